# Guide: "Error Handling > Error Handling Example" (Python).
# Changes from the guide: a driver calls get_container_status for each cuid in argv and prints the
# result as JSON; base URL and credentials come from the environment (CM_BASE_URL, CM_USER, CM_PASS).
# `time`, `requests` and `base64` are imported by the guide's other blocks.
import base64
import json
import os
import sys
import time

import requests

def safe_api_call(func):
    """Decorator for safe API calls with retry logic"""
    def wrapper(*args, **kwargs):
        max_retries = 3
        retry_delay = 1
        for attempt in range(max_retries):
            try:
                response = func(*args, **kwargs)
                if response.status_code >= 500:
                    # Server error, retry
                    if attempt < max_retries - 1:
                        time.sleep(retry_delay * (attempt + 1))
                        continue
                if response.status_code >= 400:
                    # Client error, don't retry
                    error = response.json()
                    print(f"API Error: {error['message']} (ID: {error['request_id']})")
                    return None
                return response.json()
            except requests.exceptions.RequestException as e:
                print(f"Network error (attempt {attempt + 1}): {e}")
                if attempt < max_retries - 1:
                    time.sleep(retry_delay * (attempt + 1))
                else:
                    raise
        return None
    return wrapper
@safe_api_call
def get_container_status(base_url, cuid, headers):
    return requests.get(f"{base_url}/containers/{cuid}/status", headers=headers)


# driver (not in the guide)
auth = base64.b64encode(f"{os.environ['CM_USER']}:{os.environ['CM_PASS']}".encode()).decode()
headers = {"Authorization": f"Basic {auth}"}
for cuid in sys.argv[1:]:
    print(f"RESULT {json.dumps(get_container_status(os.environ['CM_BASE_URL'], cuid, headers))}")
