"""Benchmark of `papers fetch --all` on a generated 1,000-item catalogue, against local stand-ins
for arXiv's API and Semantic Scholar's batch endpoint on 127.0.0.1 (no request leaves the machine).

Prints: requests made (target <= 10), wall time of the first run minus the 3 s gaps arXiv's terms
require between requests, and the cached second run (target: 0 requests, at most 1.5x the time of
`papers list` measured in the same run). Then `fetch --all --source s2` (issue 11: at most 2
requests for 1,000 items, 0 when cached), counted at the stand-in. Medians of interleaved runs for
the cached figures.

Usage: python bench/fetch.py [--items 1000] [--runs 7]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from catalogue_gen import generate_catalogue

FEED = """<?xml version='1.0' encoding='UTF-8'?>
<feed xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/" xmlns:arxiv="http://arxiv.org/schemas/atom" \
xmlns="http://www.w3.org/2005/Atom">
  <id>https://arxiv.org/api/bench</id>
  <title>arXiv Query: bench</title>
  <updated>2026-11-26T00:00:00Z</updated>
  <opensearch:itemsPerPage>{n}</opensearch:itemsPerPage>
  <opensearch:totalResults>{n}</opensearch:totalResults>
  <opensearch:startIndex>0</opensearch:startIndex>
{entries}
</feed>
"""
ENTRY = """  <entry>
    <id>http://arxiv.org/abs/{id}v1</id>
    <title>Benchmark paper {id}</title>
    <updated>2020-01-02T03:04:05Z</updated>
    <link href="https://arxiv.org/abs/{id}v1" rel="alternate" type="text/html"/>
    <link href="https://arxiv.org/pdf/{id}v1" rel="related" type="application/pdf" title="pdf"/>
    <summary>An abstract long enough to look like one, about the paper {id}.</summary>
    <category term="cs.LG" scheme="http://arxiv.org/schemas/atom"/>
    <published>2020-01-02T03:04:05Z</published>
    <arxiv:primary_category term="cs.LG"/>
    <author><name>Ada Lovelace</name></author>
    <author><name>Alan Turing</name></author>
  </entry>"""


class Handler(BaseHTTPRequestHandler):
    requests = 0  # to arXiv's stand-in (GET /api/query)
    posts = 0  # to Semantic Scholar's (POST /graph/v1/paper/batch)

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_POST(self) -> None:
        Handler.posts += 1
        asked = json.loads(self.rfile.read(int(self.headers["Content-Length"])))["ids"]
        body = json.dumps([_s2_record(i) for i in asked]).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        Handler.requests += 1
        query = parse_qs(urlsplit(self.path).query)
        ids = [i.split("v")[0] for i in query.get("id_list", [""])[0].split(",") if i]
        body = FEED.format(n=len(ids), entries="\n".join(ENTRY.format(id=i) for i in ids)).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/atom+xml; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def _s2_record(asked: str) -> dict[str, object]:
    """Semantic Scholar's shape (fixtures/semanticscholar/), 20 references each."""
    arxiv_id = asked.removeprefix("ARXIV:")
    return {
        "paperId": f"{abs(hash(asked)):040x}"[:40], "externalIds": {"ArXiv": arxiv_id},
        "title": f"Benchmark paper {arxiv_id}", "year": 2020,
        "authors": [{"authorId": "1", "name": "Ada Lovelace"}], "venue": "", "publicationDate": "2020-01-02",
        "abstract": None, "citationCount": 3,
        "references": [{"paperId": None, "externalIds": {"ArXiv": f"2001.{n:05d}"}} for n in range(20)],
    }  # fmt: skip


def timed(argv: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(argv, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--items", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        catalogue = tmp / "papers.yaml"
        generate_catalogue(catalogue, args.items, sections=10)
        env = {
            **os.environ,
            "PAPERS_FILE": str(catalogue),
            "PAPERS_CACHE_DIR": str(tmp / "cache"),
            "PAPERS_ARXIV_URL": f"http://127.0.0.1:{server.server_address[1]}/api/query",
            "PAPERS_S2_URL": f"http://127.0.0.1:{server.server_address[1]}/graph/v1",
        }
        env.pop("PYTHONDONTWRITEBYTECODE", None)  # as on a user's machine: compiled modules are cached
        papers = [sys.executable, "-m", "papers"]
        first = timed([*papers, "fetch", "--all"], env)
        first_requests = Handler.requests
        gaps = 3.0 * max(first_requests - 1, 0)
        Handler.requests = 0
        cached: list[float] = []
        listing: list[float] = []
        for _ in range(args.runs):  # interleaved, so noise hits both alike
            cached.append(timed([*papers, "fetch", "--all"], env))
            listing.append(timed([*papers, "list"], env))
        cached_requests = Handler.requests
        s2 = [*papers, "fetch", "--all", "--source", "s2"]
        s2_first = timed(s2, env)
        s2_first_requests, Handler.posts = Handler.posts, 0
        s2_cached: list[float] = []
        s2_listing: list[float] = []
        for _ in range(args.runs):
            s2_cached.append(timed(s2, env))
            s2_listing.append(timed([*papers, "list"], env))
        s2_cached_requests = Handler.posts
    server.shutdown()
    ratio = statistics.median(cached) / statistics.median(listing)
    print(f"catalogue: {args.items} items with arXiv ids (generated), local stand-in server")
    print(f"first fetch --all: {first_requests} requests (target <= 10)")
    print(
        f"first fetch --all: {first:.2f} s wall, {first - gaps:.2f} s excluding {gaps:.0f} s of mandated 3 s gaps"
    )
    print(f"cached fetch --all: {cached_requests} requests over {args.runs} runs (target 0)")
    print(
        f"cached fetch --all: median {statistics.median(cached) * 1000:.0f} ms = {ratio:.2f}x `papers list` "
        f"(median {statistics.median(listing) * 1000:.0f} ms; target <= 1.5x)"
    )
    s2_ratio = statistics.median(s2_cached) / statistics.median(s2_listing)
    print(f"first fetch --all --source s2: {s2_first_requests} requests (target <= 2), {s2_first:.2f} s wall")
    print(f"cached fetch --all --source s2: {s2_cached_requests} requests over {args.runs} runs (target 0)")
    print(
        f"cached fetch --all --source s2: median {statistics.median(s2_cached) * 1000:.0f} ms = {s2_ratio:.2f}x "
        f"`papers list` (median {statistics.median(s2_listing) * 1000:.0f} ms)"
    )


if __name__ == "__main__":
    main()
