"""Every alphadesk MCP tool through the official MCP Python SDK.

Usage: mcp_sdk.py stdio ALPHADESK_BINARY STORE
       mcp_sdk.py http  http://127.0.0.1:PORT/mcp

The SDK's `ClientSession.call_tool` checks a tool's structured output against the
output schema the tool declared; a tool whose answer does not match raises. For
each tool this calls it with valid arguments (and expects a result that is not an
error), then with bad arguments (and expects the server to refuse: a JSON-RPC
error or a result marked as an error). Prints one JSON line per call and exits 1
if any expectation fails. Paths listed in ALPHADESK_FORBIDDEN (separated by the
OS path separator: the store's folder, the data folder) must appear in no answer.
"""

import asyncio
import json
import os
import sys

from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client
from mcp.client.streamable_http import streamable_http_client

NOTE = """# Apple Inc. ends the day

Apple Inc. (AAPL) closed the session.

Educational coverage, not personalized advice.
"""

VALID = {
    "search_tickers": {"q": "apple"},
    "get_score": {"ticker": "AAPL"},
    "explain_score": {"ticker": "AAPL", "as_of": "2018-04-30"},
    # Past the last price (2018-05-18): answered for the date, the price date stated.
    "get_facts": {"ticker": "AAPL", "as_of": "2022-06-30"},
    "get_prices": {"ticker": "AAPL", "from": "2018-04-01", "to": "2018-04-30"},
    "get_insider_trades": {"ticker": "AAPL", "as_of": "2022-06-30"},
    "get_holders": {"ticker": "AAPL"},
    "get_note": {"ticker": "AAPL", "as_of": "2018-04-30"},
    "find_themes": {"from": "2013-06-01", "to": "2013-06-30"},
    "get_story": {"query": "Boeing", "as_of": "2013-06-28", "from": "2013-06-01"},
    "check_note": {"markdown": NOTE, "as_of": "2018-04-30", "ticker": "AAPL"},
    "get_validation": {},
    "list_scores": {"sector": "Information Technology", "as_of": "2017-12-29", "limit": 3},
    "get_score_history": {"ticker": "AAPL", "from": "2017-01-01", "to": "2017-12-31"},
    "compare": {"tickers": ["AAPL", "MSFT"], "as_of": "2018-04-30"},
}

BAD = {
    "search_tickers": {"q": 5},
    "get_score": {"ticker": "AAPL", "as_of": "30/04/2018"},
    "explain_score": {},
    "get_facts": {"ticker": "../etc"},
    "get_prices": {"ticker": "AAPL", "from": "yesterday"},
    "get_insider_trades": {"ticker": ""},
    "get_holders": {"ticker": "AAPL", "as_of": 20180430},
    "get_note": {"as_of": "2018-04-30"},
    "find_themes": {"from": "2013-06-30", "to": "2013-06-01"},
    "get_story": {"as_of": "2013-06-28"},
    "check_note": {"ticker": "AAPL"},
    "get_validation": {"unexpected": True},
    "list_scores": {"limit": 1000},
    "get_score_history": {"ticker": "AAPL", "from": "2018-01-01", "to": "2017-01-01"},
    "compare": {"tickers": ["AAPL"]},
}


def attr(obj, snake, camel):
    # SDK 2.x names fields in snake case, 1.x in camel case.
    return getattr(obj, snake) if hasattr(obj, snake) else getattr(obj, camel)


async def exercise(session):
    await session.initialize()
    tools = (await session.list_tools()).tools
    names = sorted(t.name for t in tools)
    failures = []
    missing = sorted(set(VALID) - set(names))
    if missing:
        failures.append(f"tools not listed: {missing}")
    for t in tools:
        if attr(t, "output_schema", "outputSchema") is None:
            failures.append(f"{t.name}: no output schema")
    for name in names:
        args = VALID.get(name)
        if args is None:
            failures.append(f"{name}: no valid arguments in this test")
            continue
        try:
            result = await session.call_tool(name, args)
            structured = attr(result, "structured_content", "structuredContent")
            ok = not attr(result, "is_error", "isError") and structured is not None
            blob = json.dumps(structured or {})
            size = len(blob)
            for p in filter(None, os.environ.get("ALPHADESK_FORBIDDEN", "").split(os.pathsep)):
                if p in blob:
                    failures.append(f"{name}: the answer names the server path {p}")
            print(json.dumps({"tool": name, "valid": True, "ok": ok, "bytes": size}))
            if not ok:
                failures.append(f"{name} {args}: an error result: {result.content}")
        except Exception as e:  # the SDK raises when the output misses its schema
            print(json.dumps({"tool": name, "valid": True, "ok": False, "error": str(e)}))
            failures.append(f"{name} {args}: {e}")
        try:
            result = await session.call_tool(name, BAD[name])
            refused = attr(result, "is_error", "isError")
            structured = attr(result, "structured_content", "structuredContent")
            detail = json.dumps(structured) if structured else str(result.content)
        except Exception as e:
            refused, detail = True, str(e)
        print(json.dumps({"tool": name, "valid": False, "refused": refused, "detail": detail[:300]}))
        if not refused:
            failures.append(f"{name} {BAD[name]}: accepted")
        if "/" in detail and ("/tmp/" in detail or "/work/" in detail or "/root/" in detail):
            failures.append(f"{name}: a server path in an error: {detail[:200]}")
    # A note in one rendering by default, all on request.
    note = attr(await session.call_tool("get_note", {"ticker": "AAPL", "as_of": "2018-04-30"}), "structured_content", "structuredContent")
    full = attr(await session.call_tool("get_note", {"ticker": "AAPL", "as_of": "2018-04-30", "format": "all"}), "structured_content", "structuredContent")
    if "markdown" not in note or "html" in note or "claims" in note or not all(k in full for k in ("markdown", "html", "claims")):
        failures.append(f"get_note formats: default {sorted(note)}, all {sorted(full)}")
    print(json.dumps({"note_bytes": {"markdown": len(json.dumps(note)), "all": len(json.dumps(full))}}))

    # "Which Information Technology stocks scored highest on 2017-12-29?" in one call.
    result = await session.call_tool("list_scores", {"sector": "Information Technology", "as_of": "2017-12-29", "limit": 2})
    rows = attr(result, "structured_content", "structuredContent")["rows"]
    scores = [r["alpha_score"] for r in rows]
    if not rows or any(r["sector"] != "Information Technology" for r in rows) or scores != sorted(scores, reverse=True):
        failures.append(f"list_scores did not answer the sector question: {rows}")
    return failures


async def main():
    mode = sys.argv[1]
    if mode == "stdio":
        params = StdioServerParameters(command=sys.argv[2], args=["--db", sys.argv[3], "mcp"])
        async with stdio_client(params) as (read, write):
            async with ClientSession(read, write) as session:
                failures = await exercise(session)
    else:
        async with streamable_http_client(sys.argv[2]) as streams:
            read, write = streams[0], streams[1]
            async with ClientSession(read, write) as session:
                failures = await exercise(session)
    for f in failures:
        print("FAIL: " + f)
    sys.exit(1 if failures else 0)


asyncio.run(main())
