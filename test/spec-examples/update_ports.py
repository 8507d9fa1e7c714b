# Guide: "Port Management" (Python).
# Changes from the guide: host ports 3000 -> 43300 and 9000 -> 43900 (free high ports; the container
# ports stay 3000/9000); a driver (below the function) calls it with the service's base URL and
# credentials from the environment (CM_BASE_URL, CM_USER, CM_PASS) and the cuid in argv[1].
# `requests` and `base64` are imported by the guide's earlier blocks, which this block relies on.
import base64
import json
import os
import sys

import requests

# Update container ports
def update_ports(base_url, cuid, auth_headers):
    new_ports = {
        "ports": [
            {"host": 43300, "container": 3000, "protocol": "tcp"},  # guide: host 3000
            {"host": 43900, "container": 9000, "protocol": "udp"}  # guide: host 9000
        ]
    }
    response = requests.patch(
        f"{base_url}/containers/{cuid}/ports",
        json=new_ports,
        headers=auth_headers
    )
    return response.status_code == 200


# driver (not in the guide)
auth = base64.b64encode(f"{os.environ['CM_USER']}:{os.environ['CM_PASS']}".encode()).decode()
print(f"RESULT {json.dumps(update_ports(os.environ['CM_BASE_URL'], sys.argv[1], {'Authorization': f'Basic {auth}'}))}")
