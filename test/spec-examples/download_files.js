// Guide: "File Upload/Download Integration > Download Files" (Node.js, axios).
// Changes from the guide: the driver at the bottom (base URL, credentials, cuid from env/argv).
// The guide's block uses `axios` (required by its List Containers block) and, in downloadDirectory,
// `fs`, which the guide only declares inside downloadFile: run as written downloadDirectory throws
// "ReferenceError: fs is not defined". Both are required at the top here, as a script needs them.
const axios = require('axios');
const fs = require('fs');

// Download single file
async function downloadFile(baseUrl, cuid, filePath, auth) {
  const response = await axios.get(
    `${baseUrl}/containers/${cuid}/download`,
    {
      params: { path: filePath },
      headers: { 'Authorization': `Basic ${auth}` },
      responseType: 'stream'
    }
  );
  // Save to file
  const fs = require('fs');
  const writer = fs.createWriteStream('downloaded_file');
  response.data.pipe(writer);
  return new Promise((resolve, reject) => {
    writer.on('finish', resolve);
    writer.on('error', reject);
  });
}
// Download directory as ZIP
async function downloadDirectory(baseUrl, cuid, dirPath, auth) {
  const response = await axios.get(
    `${baseUrl}/containers/${cuid}/download-zip`,
    {
      params: { path: dirPath },
      headers: { 'Authorization': `Basic ${auth}` },
      responseType: 'arraybuffer'
    }
  );
  // Save ZIP file
  fs.writeFileSync('container_backup.zip', response.data);
}

// driver (not in the guide): node download_files.js <cuid> <file path> <dir path>, in a scratch cwd
const [cuid, filePath, dirPath] = process.argv.slice(2);
const auth = Buffer.from(`${process.env.CM_USER}:${process.env.CM_PASS}`).toString('base64');
(async () => {
  await downloadFile(process.env.CM_BASE_URL, cuid, filePath, auth);
  await downloadDirectory(process.env.CM_BASE_URL, cuid, dirPath, auth);
  console.log('DONE');
})().catch((err) => {
  console.error('Failed:', err.response ? `${err.response.status}` : err);
  process.exit(1);
});
