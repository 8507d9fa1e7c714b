import type { Container } from '../../api/types';
import { ContainerActions } from '../../components/container-actions';
import { CopyCuid } from '../../components/copy-cuid';
import { PortLinks } from '../../components/port-links';
import { StatusBadge } from '../../components/status-badge';
import { hrefContainer } from '../../router';

export function ContainersTable({ rows }: { rows: Container[] }) {
  return (
    <table class="containers">
      <thead>
        <tr>
          <th scope="col">Container</th>
          <th scope="col">Image</th>
          <th scope="col">Status</th>
          <th scope="col">Tags</th>
          <th scope="col">Ports</th>
          <th scope="col">Created</th>
          <th scope="col">Actions</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((c) => (
          <tr key={c.cuid} data-cuid={c.cuid}>
            <td>
              <a href={hrefContainer(c.cuid)} title={c.cuid} class="mono">
                {c.cuid.slice(0, 9)}
              </a>
              <CopyCuid cuid={c.cuid} />
            </td>
            <td class="mono ellipsis" title={c.image}>
              {c.image}
            </td>
            <td>
              <StatusBadge status={c.status} />
            </td>
            <td>
              {c.tags.map((t) => (
                <span key={t} class="tag">
                  {t}
                </span>
              ))}
            </td>
            <td>
              <PortLinks ports={c.ports} />
            </td>
            <td>
              <time dateTime={c.created_at} title={c.created_at}>
                {new Date(c.created_at).toLocaleString()}
              </time>
            </td>
            <td>
              <ContainerActions container={c} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
