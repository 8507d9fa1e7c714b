# Guide: "Best Practices > 4. Container Logs Streaming" (Python, websockets 10.x).
# Changes from the guide: `process_log_line` (left to the reader by the guide) prints each chunk; a
# driver runs stream_logs for CM_STREAM_SECONDS (default 10; tail -f never ends by itself). Base URL,
# credentials and cuid come from the environment (CM_BASE_URL, CM_USER, CM_PASS) and argv[1].
# `websockets`, `json` and `base64` are imported by the guide's earlier blocks.
import asyncio
import base64
import json
import os
import sys

import websockets


def process_log_line(log_line):
    print(f"[LOG] {log_line}", end='', flush=True)


async def stream_logs(base_url, cuid, auth):
    """Stream container logs in real-time"""
    ws_url = f"ws://{base_url.replace('http://', '')}/ws/{cuid}"
    async with websockets.connect(
        ws_url,
        extra_headers={"Authorization": f"Basic {auth}"}
    ) as ws:
        # Request log streaming
        await ws.send(json.dumps({
            "type": "stdin",
            "data": "tail -f /app/logs/app.log\n",
            "encoding": "utf8"
        }))
        # Process incoming logs
        async for message in ws:
            data = json.loads(message)
            if data['type'] == 'stdout':
                log_line = data['data']
                # Process log line (e.g., parse JSON logs, send to monitoring)
                process_log_line(log_line)


# driver (not in the guide)
async def main():
    auth = base64.b64encode(f"{os.environ['CM_USER']}:{os.environ['CM_PASS']}".encode()).decode()
    try:
        await asyncio.wait_for(
            stream_logs(os.environ["CM_BASE_URL"], sys.argv[1], auth),
            timeout=float(os.environ.get("CM_STREAM_SECONDS", "10")),
        )
    except asyncio.TimeoutError:
        print("\nSTREAM TIMEOUT", flush=True)

asyncio.run(main())
