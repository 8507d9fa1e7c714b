# Guide: "Best Practices > 2. Async Operations" (Python, aiohttp).
# Changes from the guide: base URL, credentials and image come from the environment (CM_BASE_URL,
# CM_USER, CM_PASS, CM_IMAGE; the guide uses nginx/redis/postgres images, which do not exist here);
# a driver line prints the created containers as JSON. `base64` is imported by the guide's
# Authentication block.
import base64
import json
import os

import aiohttp
import asyncio
class AsyncAPIClient:
    def __init__(self, base_url, username, password):
        self.base_url = base_url
        auth = base64.b64encode(f"{username}:{password}".encode()).decode()
        self.headers = {"Authorization": f"Basic {auth}"}
    async def __aenter__(self):
        self.session = aiohttp.ClientSession(headers=self.headers)
        return self
    async def __aexit__(self, exc_type, exc_val, exc_tb):
        await self.session.close()
    async def batch_create(self, configs):
        tasks = []
        for config in configs:
            task = self.session.post(f"{self.base_url}/containers", json=config)
            tasks.append(task)
        responses = await asyncio.gather(*tasks)
        return [await r.json() for r in responses]
# Usage
async def main():
    image = os.environ["CM_IMAGE"]
    configs = [
        {"image": image},  # guide: nginx:alpine
        {"image": image},  # guide: redis:alpine
        {"image": image}  # guide: postgres:alpine
    ]
    async with AsyncAPIClient(os.environ["CM_BASE_URL"], os.environ["CM_USER"], os.environ["CM_PASS"]) as client:
        containers = await client.batch_create(configs)
        print(f"Created {len(containers)} containers")
        print(f"RESULT {json.dumps(containers)}")  # driver (not in the guide)
asyncio.run(main())
