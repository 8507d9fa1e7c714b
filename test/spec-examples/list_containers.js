// Guide: "List Containers with Pagination" (Node.js, axios).
// Changes from the guide: base URL and credentials come from the environment (CM_BASE_URL, CM_USER,
// CM_PASS); the usage line gets a `.then`/`.catch` driver so the test can read the result.
// Node.js example with axios
const axios = require('axios');
async function listContainers(baseUrl, auth, status = null, cursor = null) {
  const params = {};
  if (status) params.status = status.join(',');
  if (cursor) params.cursor = cursor;
  const response = await axios.get(`${baseUrl}/containers`, {
    params,
    headers: {
      'Authorization': `Basic ${auth}`
    }
  });
  const data = response.data;
  console.log(`Found ${data.containers.length} containers`);
  // Handle pagination
  if (data.next_cursor) {
    console.log('More results available, cursor:', data.next_cursor);
    // Fetch next page
    await listContainers(baseUrl, auth, status, data.next_cursor);
  }
  return data.containers;
}
// Usage
const auth = Buffer.from(`${process.env.CM_USER}:${process.env.CM_PASS}`).toString('base64');
listContainers(process.env.CM_BASE_URL, auth, ['running', 'paused'])
  // driver (not in the guide): report what the first page returned
  .then((containers) => console.log(`RESULT ${JSON.stringify(containers)}`))
  .catch((err) => {
    console.error('Failed:', err.response ? `${err.response.status} ${JSON.stringify(err.response.data)}` : err);
    process.exit(1);
  });
