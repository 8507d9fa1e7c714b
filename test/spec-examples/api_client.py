# Guide: "Best Practices > 1. Connection Pooling" (Python).
# Changes from the guide: base URL, credentials and image come from the environment (CM_BASE_URL,
# CM_USER, CM_PASS, CM_IMAGE; the guide uses nginx:alpine); a driver line prints the response.
# `base64` is imported by the guide's Authentication block.
import base64
import json
import os

# Use session for connection pooling
import requests
class APIClient:
    def __init__(self, base_url, username, password):
        self.base_url = base_url
        self.session = requests.Session()
        auth = base64.b64encode(f"{username}:{password}".encode()).decode()
        self.session.headers.update({"Authorization": f"Basic {auth}"})
    def __enter__(self):
        return self
    def __exit__(self, exc_type, exc_val, exc_tb):
        self.session.close()
    def create_container(self, config):
        return self.session.post(f"{self.base_url}/containers", json=config)
# Usage
with APIClient(os.environ["CM_BASE_URL"], os.environ["CM_USER"], os.environ["CM_PASS"]) as client:
    response = client.create_container({"image": os.environ["CM_IMAGE"]})
    print(f"RESULT {json.dumps({'status': response.status_code, 'body': response.json()})}")  # driver
