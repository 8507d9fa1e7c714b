# Guide: "WebSocket Integration > Interactive Terminal Session" (Python, websockets 10.x).
# Changes from the guide: the class is verbatim; its usage (`run_interactive`, which needs aioconsole
# and a human at the keyboard) is replaced by a driver that calls the class's other methods the way
# run_interactive would: connect, send_input, resize, send_signal. Host:port, credentials and cuid
# come from the environment (CM_BASE_URL, CM_USER, CM_PASS) and argv[1].
import os
import sys

import asyncio
import websockets
import json
import base64
class ContainerTerminal:
    def __init__(self, base_url, cuid, username, password):
        self.ws_url = f"ws://{base_url.replace('http://', '')}/ws/{cuid}"
        self.auth = base64.b64encode(f"{username}:{password}".encode()).decode()
        self.ws = None
    async def connect(self, cols=80, rows=24):
        # Connect with TTY size
        headers = {"Authorization": f"Basic {self.auth}"}
        uri = f"{self.ws_url}?cols={cols}&rows={rows}"
        self.ws = await websockets.connect(uri, extra_headers=headers)
        # Start receiver task
        asyncio.create_task(self._receive_output())
    async def _receive_output(self):
        """Receive and print output from container"""
        async for message in self.ws:
            data = json.loads(message)
            if data['type'] == 'stdout':
                if data['encoding'] == 'base64':
                    import base64
                    text = base64.b64decode(data['data']).decode('utf-8', errors='replace')
                else:
                    text = data['data']
                print(text, end='')
            elif data['type'] == 'stderr':
                if data['encoding'] == 'base64':
                    import base64
                    text = base64.b64decode(data['data']).decode('utf-8', errors='replace')
                else:
                    text = data['data']
                print(f"[ERROR] {text}", end='')
            elif data['type'] == 'exit':
                print(f"\n[Process exited with code {data['code']}]")
                await self.ws.close()
            elif data['type'] == 'error':
                print(f"[ERROR] {data['error']}")
    async def send_input(self, text):
        """Send input to container"""
        await self.ws.send(json.dumps({
            "type": "stdin",
            "data": text,
            "encoding": "utf8"
        }))
    async def resize(self, cols, rows):
        """Resize terminal"""
        await self.ws.send(json.dumps({
            "type": "resize",
            "cols": cols,
            "rows": rows
        }))
    async def send_signal(self, signal_name):
        """Send signal (INT, TERM, KILL)"""
        await self.ws.send(json.dumps({
            "type": "signal",
            "name": signal_name
        }))
    async def run_interactive(self):
        """Run interactive terminal"""
        import aioconsole
        await self.connect()
        print("Connected to container. Type 'exit' to quit.")
        print("Special commands: !INT (Ctrl+C), !TERM (terminate), !KILL (force kill)")
        while self.ws and not self.ws.closed:
            try:
                line = await aioconsole.ainput()
                if line == 'exit':
                    await self.ws.send(json.dumps({"type": "close"}))
                    break
                elif line == '!INT':
                    await self.send_signal('INT')
                elif line == '!TERM':
                    await self.send_signal('TERM')
                elif line == '!KILL':
                    await self.send_signal('KILL')
                else:
                    await self.send_input(line + '\n')
            except Exception as e:
                print(f"Error: {e}")
                break


# driver (not in the guide): what a user of run_interactive would type, through the same methods
async def main():
    terminal = ContainerTerminal(
        os.environ["CM_BASE_URL"].replace('http://', ''),  # the guide passes 'localhost:8080'
        sys.argv[1],
        os.environ["CM_USER"],
        os.environ["CM_PASS"]
    )
    await terminal.connect()
    await terminal.send_input('echo hi\n')
    await asyncio.sleep(1)
    await terminal.resize(100, 30)
    await asyncio.sleep(0.5)
    await terminal.send_input('stty size\n')
    await terminal.send_input('sleep 60\n')
    await asyncio.sleep(1.5)
    await terminal.send_signal('INT')  # !INT: interrupts the sleep, as Ctrl-C would
    await asyncio.sleep(0.5)
    await terminal.send_input('echo after-int\n')
    await asyncio.sleep(1)
    await terminal.send_input('exit\n')
    # wait for the exit frame: the receiver task prints it and closes the socket
    for _ in range(200):
        if terminal.ws.closed:
            break
        await asyncio.sleep(0.1)
    await asyncio.sleep(0.2)
    print(f"\nCLOSED {terminal.ws.closed}", flush=True)

asyncio.run(main())
