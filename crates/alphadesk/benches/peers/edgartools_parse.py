"""edgartools parsing every companyfacts file of a folder into its facts (no
store): the peer of `alphadesk ingest sec/companyfacts` in benches/peers.rs."""
import json
import pathlib
import sys

from edgar.entity.parser import EntityFactsParser

facts = 0
for path in sorted(pathlib.Path(sys.argv[1]).glob("*.json")):
    parsed = EntityFactsParser.parse_company_facts(json.loads(path.read_bytes()))
    facts += len(parsed._facts) if parsed is not None else 0
print(f"{facts} facts")
