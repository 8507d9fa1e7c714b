import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, containerPath, uploadZip } from '../../api/client';
import type { ErrorBody, FileEntry } from '../../api/types';
import { useServices } from '../../context';
import { byteSize } from '../../components/byte-size';

const join = (dir: string, name: string): string => (dir === '.' || dir === '' ? name : `${dir}/${name}`);

/** Browse /app, download files or folders (zip), upload a zip by picking or dropping it. */
export function FilesTab({ cuid }: { cuid: string }) {
  const { notices } = useServices();
  const [dir, setDir] = useState('.');
  const [entries, setEntries] = useState<FileEntry[] | null>(null);
  const [listError, setListError] = useState<ErrorBody | null>(null);
  const [progress, setProgress] = useState<number | null>(null);
  const [uploadError, setUploadError] = useState<ErrorBody | null>(null);
  const [dragging, setDragging] = useState(false);
  const [version, setVersion] = useState(0);

  useEffect(() => {
    setListError(null);
    api<{ entries: FileEntry[] }>('GET', containerPath(cuid, `/files?path=${encodeURIComponent(dir)}`)).then(
      (listing) =>
        setEntries([...listing.entries].sort((a, b) => a.type.localeCompare(b.type) || a.name.localeCompare(b.name))),
      (err: unknown) => {
        setEntries(null);
        setListError(err instanceof ApiError ? err.body : null);
      },
    );
  }, [cuid, dir, version]);

  const upload = async (file: File | undefined): Promise<void> => {
    if (!file) return;
    setUploadError(null);
    setProgress(0);
    try {
      const result = await uploadZip(cuid, dir, file, setProgress);
      notices.info(
        `Uploaded ${file.name}: ${result.files} ${result.files === 1 ? 'file' : 'files'}, ${byteSize(result.bytes)}`,
      );
      setVersion((v) => v + 1);
    } catch (err) {
      setUploadError(err instanceof ApiError ? err.body : null);
      if (!(err instanceof ApiError)) notices.error('Upload failed:', err);
    } finally {
      setProgress(null);
    }
  };

  const crumbs = dir === '.' ? [] : dir.split('/');
  return (
    <div class="files">
      <nav aria-label="Folder" class="crumbs">
        <button type="button" class="link" onClick={() => setDir('.')}>
          /app
        </button>
        {crumbs.map((part, i) => (
          <span key={i}>
            {' / '}
            <button type="button" class="link" onClick={() => setDir(crumbs.slice(0, i + 1).join('/'))}>
              {part}
            </button>
          </span>
        ))}
        <a class="button" href={containerPath(cuid, `/download-zip?path=${encodeURIComponent(dir)}`)} download>
          Download folder as zip
        </a>
      </nav>
      <div
        class={`dropzone${dragging ? ' dragging' : ''}`}
        onDragOver={(e) => (e.preventDefault(), setDragging(true))}
        onDragLeave={() => setDragging(false)}
        onDrop={(e) => {
          e.preventDefault();
          setDragging(false);
          void upload(e.dataTransfer?.files[0]);
        }}
      >
        <label>
          Upload zip
          <input
            type="file"
            accept=".zip,application/zip"
            onChange={(e) => {
              const input = e.currentTarget;
              void upload(input.files?.[0]).then(() => (input.value = ''));
            }}
          />
        </label>
        <span class="muted">or drop a zip here; it is extracted into this folder</span>
        {progress !== null && (
          <progress aria-label="Upload progress" max={1} value={progress}>
            {Math.round(progress * 100)}%
          </progress>
        )}
        {uploadError && (
          <p class="field-error" role="alert">
            Upload refused: <code>{uploadError.code}</code> {uploadError.message}
            {uploadError.request_id && <span class="notice-rid"> (request_id {uploadError.request_id})</span>}
          </p>
        )}
      </div>
      {listError && (
        <p class="field-error" role="alert">
          <code>{listError.code}</code> {listError.message}
        </p>
      )}
      {entries && (
        <table class="file-list" aria-label="Files">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Size</th>
              <th scope="col">Mode</th>
              <th scope="col">Modified</th>
              <th scope="col">Download</th>
            </tr>
          </thead>
          <tbody>
            {entries.length === 0 && (
              <tr>
                <td colSpan={5} class="muted">
                  Empty folder
                </td>
              </tr>
            )}
            {entries.map((e) => {
              const path = join(dir, e.name);
              return (
                <tr key={e.name}>
                  <td class="mono">
                    {e.type === 'directory' ? (
                      <button type="button" class="link" onClick={() => setDir(path)}>
                        {e.name}/
                      </button>
                    ) : (
                      e.name
                    )}
                  </td>
                  <td>{e.type === 'file' ? byteSize(e.size) : ''}</td>
                  <td class="mono">{e.mode}</td>
                  <td>{new Date(e.modified_at).toLocaleString()}</td>
                  <td>
                    {e.type === 'file' && (
                      <a href={containerPath(cuid, `/download?path=${encodeURIComponent(path)}`)} download={e.name}>
                        Download {e.name}
                      </a>
                    )}
                    {e.type === 'directory' && (
                      <a href={containerPath(cuid, `/download-zip?path=${encodeURIComponent(path)}`)} download>
                        Download {e.name} as zip
                      </a>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </div>
  );
}
