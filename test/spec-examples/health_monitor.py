# Guide: "Best Practices > 3. Health Monitoring" (Python).
# Changes from the guide: a driver runs the monitor for about one second with a 0.5 s check
# interval; base URL and credentials come from the environment (CM_BASE_URL, CM_USER, CM_PASS).
# `requests` and `base64` are imported by the guide's other blocks.
import base64
import os

import requests

import time
import threading
class HealthMonitor:
    def __init__(self, base_url, auth_headers, check_interval=30):
        self.base_url = base_url
        self.headers = auth_headers
        self.check_interval = check_interval
        self.running = False
        self.thread = None
    def start(self):
        self.running = True
        self.thread = threading.Thread(target=self._monitor_loop)
        self.thread.daemon = True
        self.thread.start()
    def stop(self):
        self.running = False
        if self.thread:
            self.thread.join()
    def _monitor_loop(self):
        while self.running:
            try:
                response = requests.get(
                    f"{self.base_url}/healthz",
                    headers=self.headers,
                    timeout=5
                )
                if response.status_code == 200:
                    data = response.json()
                    print(f"API healthy: Compose {data['compose_version']}")
                else:
                    print(f"API unhealthy: Status {response.status_code}")
            except Exception as e:
                print(f"Health check failed: {e}")
            time.sleep(self.check_interval)


# driver (not in the guide)
auth = base64.b64encode(f"{os.environ['CM_USER']}:{os.environ['CM_PASS']}".encode()).decode()
monitor = HealthMonitor(os.environ["CM_BASE_URL"], {"Authorization": f"Basic {auth}"}, check_interval=0.5)
monitor.start()
time.sleep(1)
monitor.stop()
print("STOPPED", flush=True)
