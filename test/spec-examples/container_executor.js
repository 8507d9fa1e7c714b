// Guide: "WebSocket Integration > Non-Interactive Command Execution" (Node.js, ws).
// Changes from the guide: host:port, credentials and cuid in the usage come from the environment
// (CM_BASE_URL, CM_USER, CM_PASS) and argv[2]; a non-zero exit status when execute() rejects.
const WebSocket = require('ws');
class ContainerExecutor {
  constructor(baseUrl, cuid, username, password) {
    this.wsUrl = `ws://${baseUrl.replace('http://', '')}/ws/${cuid}`;
    this.auth = Buffer.from(`${username}:${password}`).toString('base64');
  }
  async execute(command) {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(this.wsUrl, {
        headers: {
          'Authorization': `Basic ${this.auth}`
        }
      });
      let output = '';
      let errorOutput = '';
      ws.on('open', () => {
        // Send command
        ws.send(JSON.stringify({
          type: 'stdin',
          data: command + '\n',
          encoding: 'utf8'
        }));
        // Send EOF/exit after command
        setTimeout(() => {
          ws.send(JSON.stringify({
            type: 'stdin',
            data: 'exit\n',
            encoding: 'utf8'
          }));
        }, 100);
      });
      ws.on('message', (data) => {
        const msg = JSON.parse(data.toString());
        if (msg.type === 'stdout') {
          output += msg.encoding === 'base64'
            ? Buffer.from(msg.data, 'base64').toString()
            : msg.data;
        } else if (msg.type === 'stderr') {
          errorOutput += msg.encoding === 'base64'
            ? Buffer.from(msg.data, 'base64').toString()
            : msg.data;
        } else if (msg.type === 'exit') {
          ws.close();
          resolve({
            exitCode: msg.code,
            stdout: output,
            stderr: errorOutput
          });
        } else if (msg.type === 'error') {
          ws.close();
          reject(new Error(msg.error.message));
        }
      });
      ws.on('error', reject);
    });
  }
}
// Usage
const executor = new ContainerExecutor(
  process.env.CM_BASE_URL.replace('http://', ''), // guide: 'localhost:8080'
  process.argv[2],
  process.env.CM_USER,
  process.env.CM_PASS
);
executor.execute('ls -la /app')
  .then(result => {
    console.log('Exit code:', result.exitCode);
    console.log('Output:', result.stdout);
    if (result.stderr) {
      console.error('Errors:', result.stderr);
    }
  })
  .catch(err => {
    console.error('Failed:', err);
    process.exitCode = 1; // driver (not in the guide)
  });
