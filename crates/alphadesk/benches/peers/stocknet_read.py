"""The floor for the StockNet folder: plain Python reads every file and parses
every post (JSON Lines), storing nothing. The peer of `alphadesk ingest` of the
folder in benches/peers.rs."""
import json
import os
import sys

posts = 0
for root, _, files in os.walk(sys.argv[1]):
    for name in files:
        with open(os.path.join(root, name), "rb") as f:
            for line in f:
                if line.strip():
                    json.loads(line)
                    posts += 1
print(f"{posts} posts")
