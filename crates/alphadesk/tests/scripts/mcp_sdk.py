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
    "get_live_record": {},
    "run_backtest": {
        "from": "2017-01-01",
        "to": "2017-12-31",
        "horizons": [5, 63],
        "factor": [
            {"date": "2017-03-31", "ticker": t, "value": v}
            for t, v in [("AAPL", 1), ("MSFT", 2), ("JPM", 3), ("XOM", 4), ("JNJ", 5), ("NOPE", 6)]
        ],
    },
    "get_changes": {"since": "2018-01-01"},
    "list_scores": {"sector": "Information Technology", "as_of": "2017-12-29", "limit": 3, "min_momentum": 10},
    "get_score_history": {"ticker": "AAPL", "from": "2017-01-01", "to": "2017-12-31"},
    "compare": {"tickers": ["AAPL", "MSFT"], "as_of": "2018-04-30"},
    "get_news": {"ticker": "AAPL", "from": "2013-01-01", "to": "2018-04-30", "min_relevance": 0, "limit": 5},
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
    "get_live_record": {"unexpected": True},
    "run_backtest": {"horizons": [0]},
    "get_changes": {"since": "last week"},
    "list_scores": {"limit": 1000},
    "get_score_history": {"ticker": "AAPL", "from": "2018-01-01", "to": "2017-01-01"},
    "compare": {"tickers": ["AAPL"]},
    "get_news": {"ticker": "AAPL", "min_relevance": 300},
}


def attr(obj, snake, camel):
    # SDK 2.x names fields in snake case, 1.x in camel case.
    return getattr(obj, snake) if hasattr(obj, snake) else getattr(obj, camel)


async def exercise(session):
    init = await session.initialize()
    instructions = init.instructions or ""
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
    # Exactly the parts asked for: whether it passes, without its text.
    only = attr(await session.call_tool("get_note", {"ticker": "AAPL", "as_of": "2018-04-30", "fields": ["verdict"]}), "structured_content", "structuredContent")
    if sorted(only) != ["as_of", "id", "ticker", "verdict"]:
        failures.append(f"get_note fields=[verdict]: {sorted(only)}")

    # "Which Information Technology stocks scored highest on 2017-12-29?" in one call.
    result = await session.call_tool("list_scores", {"sector": "Information Technology", "as_of": "2017-12-29", "limit": 2})
    rows = attr(result, "structured_content", "structuredContent")["rows"]
    scores = [r["alpha_score"] for r in rows]
    if not rows or any(r["sector"] != "Information Technology" for r in rows) or scores != sorted(scores, reverse=True):
        failures.append(f"list_scores did not answer the sector question: {rows}")
    # How sources are cited is said once, in the instructions, not in every description.
    if "## Sources" not in instructions:
        failures.append(f"the instructions do not say how to cite: {instructions!r}")
    endings = {}
    for t in tools:
        last = (t.description or "").rstrip().rsplit(". ", 1)[-1]
        endings.setdefault(last, []).append(t.name)
    repeated = {k: v for k, v in endings.items() if len(v) > 2}
    if repeated:
        failures.append(f"descriptions end with the same sentence: {repeated}")

    # Resources: the methodology, the figures of record, the rules.
    resources = {str(r.uri): r for r in (await session.list_resources()).resources}
    expected = {"alphadesk://methodology": "Alpha Score", "alphadesk://validation": "ic", "alphadesk://rules": "grounding"}
    for uri, word in expected.items():
        if uri not in resources:
            failures.append(f"resource {uri} not listed: {sorted(resources)}")
            continue
        contents = (await session.read_resource(uri)).contents
        text = contents[0].text if contents else ""
        print(json.dumps({"resource": uri, "bytes": len(text)}))
        if word not in text:
            failures.append(f"resource {uri} lacks {word!r}")
        if uri.endswith("validation"):
            json.loads(text)
    try:
        await session.read_resource("alphadesk://nothing")
        failures.append("an unknown resource was read")
    except Exception as e:
        if "alphadesk://methodology" not in str(e):
            failures.append(f"an unknown resource's error does not list the resources: {e}")

    # Prompts that teach the format check_note accepts.
    prompts = sorted(p.name for p in (await session.list_prompts()).prompts)
    if prompts != ["write_note", "write_story"]:
        failures.append(f"prompts: {prompts}")
    got = await session.get_prompt("write_note", {"ticker": "AAPL", "as_of": "2018-04-30"})
    text = got.messages[0].content.text
    for must in ("## Sources", "Educational coverage, not personalized advice.", "check_note", "AAPL", "2018-04-30"):
        if must not in text:
            failures.append(f"write_note prompt lacks {must!r}")
    got = await session.get_prompt("write_story", {"query": "Clearwire bid", "as_of": "2013-06-28"})
    if "Clearwire bid" not in got.messages[0].content.text:
        failures.append("write_story prompt does not name its theme")
    for name, bad in [("write_note", {}), ("write_note", {"ticker": "AAPL", "as_of": "30/04/2018"}), ("write_story", {"query": "x"}), ("nothing", {})]:
        try:
            await session.get_prompt(name, bad)
            failures.append(f"prompt {name} {bad}: accepted")
        except Exception as e:
            print(json.dumps({"prompt": name, "refused": str(e)[:200]}))

    # Screens on a pillar as well as the total.
    result = await session.call_tool("list_scores", {"as_of": "2017-12-29", "min_momentum": 80, "min_quality": 50, "limit": 100})
    rows = attr(result, "structured_content", "structuredContent")["rows"]
    if any(r["momentum"] is None or r["momentum"] < 80 or r["quality"] is None or r["quality"] < 50 for r in rows):
        failures.append(f"list_scores let through a row under its pillar thresholds: {rows}")
    failures += await six_questions(session)
    return failures


async def six_questions(session):
    """The questions an agent developer asked, each answered in at most three calls."""
    failures = []
    calls = 0

    async def call(name, args):
        nonlocal calls
        calls += 1
        result = await session.call_tool(name, args)
        return attr(result, "structured_content", "structuredContent")

    def answered(question, ok, detail):
        nonlocal calls
        print(json.dumps({"question": question, "calls": calls, "answered": bool(ok)}))
        if not ok or calls > 3:
            failures.append(f"{question}: {calls} calls, {detail}")
        calls = 0

    # 1. Which Information Technology stocks scored highest on 2017-12-29?
    top = await call("list_scores", {"sector": "Information Technology", "as_of": "2017-12-29", "limit": 3})
    answered("top IT scores on 2017-12-29", top["rows"] and top["rows"][0]["sector"] == "Information Technology", top)
    # 2. How did Apple's score move over 2017?
    h = await call("get_score_history", {"ticker": "AAPL", "from": "2017-01-01", "to": "2017-12-31"})
    answered("Apple's 2017 score history", len(h["points"]) == 12 and all(p["alpha_score"] is not None for p in h["points"]), h)
    # 3. Apple against Microsoft on 2018-04-30.
    c = await call("compare", {"tickers": ["AAPL", "MSFT"], "as_of": "2018-04-30"})
    answered("AAPL vs MSFT", [r["ticker"] for r in c["rows"]] == ["AAPL", "MSFT"] and all(r["explanation"] for r in c["rows"]), c)
    # 4. What was the news about Boeing in June 2013?
    n = await call("get_news", {"ticker": "BA", "from": "2013-06-01", "to": "2013-06-30"})
    ok = n["articles"] and all("2013-06-01" <= a["known"] <= "2013-06-30" and (a["relevance"] or 0) >= 40 for a in n["articles"])
    answered("Boeing news, June 2013", ok, {k: n[k] for k in ("matching", "min_relevance")})
    # 5. All Boeing themes in June 2013.
    t = await call("find_themes", {"ticker": "BA", "from": "2013-06-01", "to": "2013-06-30"})
    ok = t["themes"] and all(any(c["ticker"] == "BA" and c["articles"] > 0 for c in th["companies"]) for th in t["themes"])
    answered("Boeing themes, June 2013", ok, [th["id"] for th in t["themes"]])
    # 6. The story of the Boeing theme: the same theme find_themes finds for the same date.
    found = await call("find_themes", {"query": "Boeing", "to": "2013-06-28"})
    story = await call("get_story", {"query": "Boeing", "as_of": "2013-06-28"})
    same = found["themes"] and story["theme"] == found["themes"][0]["id"]
    answered("the Boeing story is the Boeing theme", same, (found["themes"][:1], story.get("theme")))
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
