# Guide: "File Upload/Download Integration > Upload ZIP Archive" (Python).
# Changes from the guide: `base_url`, `cuid` and `headers` (defined by the guide's Create Container
# block) come from the environment (CM_BASE_URL, CM_USER, CM_PASS) and argv[1]; the result of the
# final call is kept and printed so the test can read it.
import base64
import json
import os
import sys

base_url = os.environ["CM_BASE_URL"]
cuid = sys.argv[1]
auth = base64.b64encode(f"{os.environ['CM_USER']}:{os.environ['CM_PASS']}".encode()).decode()
headers = {"Authorization": f"Basic {auth}"}

import zipfile
import io
import requests
def upload_files_to_container(base_url, cuid, files_dict, auth_headers):
    """
    Upload files to container mount
    files_dict: {"path/in/container": file_content_bytes}
    """
    # Create ZIP in memory
    zip_buffer = io.BytesIO()
    with zipfile.ZipFile(zip_buffer, 'w', zipfile.ZIP_DEFLATED) as zf:
        for path, content in files_dict.items():
            zf.writestr(path, content)
    zip_buffer.seek(0)
    # Upload ZIP
    response = requests.post(
        f"{base_url}/containers/{cuid}/upload-zip",
        data=zip_buffer.read(),
        headers={
            **auth_headers,
            'Content-Type': 'application/zip'
        }
    )
    return response.status_code == 200
# Example: Upload Python application
files = {
    "boot.py": b"""
import os
import time
print(f"Container {os.environ.get('CONTAINER_UID')} started")
print(f"Tags: {os.environ.get('TAGS', 'none')}")
while True:
    print("Working...")
    time.sleep(10)
""",
    "requirements.txt": b"requests==2.31.0\nnumpy==1.24.0\n",
    "data/config.json": b'{"setting": "value"}'
}
result = upload_files_to_container(base_url, cuid, files, headers)
print(f"RESULT {json.dumps(result)}")  # driver (not in the guide)
