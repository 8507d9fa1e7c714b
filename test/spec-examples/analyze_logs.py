# Guide: "Troubleshooting > Debug Mode" (Python).
# Changes from the guide: a driver calls analyze_logs on the file named in argv[1] (the service's
# LOG_DIR/actions.jsonl) and prints the error entries' codes as JSON.
import sys

import json
from datetime import datetime
def analyze_logs(log_file='logs/actions.jsonl'):
    errors = []
    slow_requests = []
    with open(log_file, 'r') as f:
        for line in f:
            entry = json.loads(line)
            # Find errors
            if entry.get('error'):
                errors.append(entry)
            # Find slow requests (>5 seconds)
            if entry.get('duration_ms', 0) > 5000:
                slow_requests.append(entry)
    print(f"Found {len(errors)} errors")
    print(f"Found {len(slow_requests)} slow requests")
    return errors, slow_requests


# driver (not in the guide)
errors, slow_requests = analyze_logs(sys.argv[1])
print(f"RESULT {json.dumps([{'error': e.get('error'), 'code': e.get('code')} for e in errors])}")
