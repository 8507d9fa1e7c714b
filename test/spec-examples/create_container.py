# Guide: "REST API Integration > Container Lifecycle > Create Container" (Python).
# Changes from the guide, nothing else: base URL, credentials and image come from the environment
# (CM_BASE_URL, CM_USER, CM_PASS, CM_IMAGE); host port 8080 -> 43180 (the service may listen on 8080).
# `import base64` comes from the guide's Authentication block, which this block relies on.
import base64
import os

import requests
import json
# Create container with Python example
def create_container(base_url, auth_headers):
    payload = {
        "image": os.environ["CM_IMAGE"],
        "env": {
            "APP_ENV": "production",
            "DEBUG": "false"
        },
        "tags": ["web", "production"],
        "resources": {
            "cpus": 1.0,
            "memory": "4096m",
            "pids": 2048
        },
        "ports": [
            {
                "host": 43180,  # guide: 8080
                "container": 80,
                "protocol": "tcp"
            }
        ]
    }
    response = requests.post(
        f"{base_url}/containers",
        json=payload,
        headers=auth_headers
    )
    if response.status_code == 201:
        container = response.json()
        print(f"Created container: {container['cuid']}")
        return container['cuid']
    else:
        print(f"Error: {response.json()}")
        return None
# Usage
base_url = os.environ["CM_BASE_URL"]
auth = base64.b64encode(f"{os.environ['CM_USER']}:{os.environ['CM_PASS']}".encode()).decode()
headers = {"Authorization": f"Basic {auth}"}
cuid = create_container(base_url, headers)
