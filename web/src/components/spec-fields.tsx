import type { ComponentChildren } from 'preact';
import type { ErrorBody } from '../api/types';
import type { FieldName, SpecValues } from './spec-form';

interface Props {
  id: string;
  values: SpecValues;
  onChange: (values: SpecValues) => void;
  /** The API's refusal and the field it names; shown beside that field. */
  fieldError: { field: FieldName; error: ErrorBody } | null;
  withImage: boolean;
  imageSuggestions?: string[];
}

/**
 * The fields of a container spec, shared by the create form and the Overview's edit form. Each is
 * labelled with the name the issue gives it; a refusal is shown beside (and announced for) the field
 * named in `details.field`.
 */
export function SpecFields({ id, values, onChange, fieldError, withImage, imageSuggestions = [] }: Props) {
  // On create an empty lifetime leaves it to the service's default; on edit it removes it.
  const lifetimeHint = withImage ? 'default' : 'never';
  const set = <K extends keyof SpecValues>(key: K, value: SpecValues[K]): void => onChange({ ...values, [key]: value });
  const errorOf = (field: FieldName) => (fieldError?.field === field ? fieldError.error : null);
  const described = (field: FieldName) =>
    errorOf(field) ? { 'aria-invalid': true, 'aria-describedby': `${id}-${field}-error` } : {};
  const hint = (field: FieldName): ComponentChildren => {
    const error = errorOf(field);
    return error ? (
      <p id={`${id}-${field}-error`} class="field-error" role="alert">
        <code>{error.code}</code> {error.message}
      </p>
    ) : null;
  };
  const text = (
    field: FieldName,
    key: 'tags' | 'cpus' | 'memory' | 'pids' | 'command' | 'ttl' | 'idleStop',
    label: string,
    placeholder: string,
    numeric = false,
  ) => (
    <div class="field">
      <label for={`${id}-${field}`}>{label}</label>
      <input
        id={`${id}-${field}`}
        value={values[key]}
        placeholder={placeholder}
        inputMode={numeric ? 'decimal' : undefined}
        onInput={(e) => set(key, e.currentTarget.value)}
        {...described(field)}
      />
      {hint(field)}
    </div>
  );

  return (
    <div class="spec-fields">
      {withImage && (
        <div class="field wide">
          <label for={`${id}-image`}>Image</label>
          <input
            id={`${id}-image`}
            list={`${id}-images`}
            value={values.image}
            placeholder="python:3.12-slim"
            autoComplete="off"
            onInput={(e) => set('image', e.currentTarget.value)}
            {...described('image')}
          />
          <datalist id={`${id}-images`}>
            {imageSuggestions.map((i) => (
              <option key={i} value={i} />
            ))}
          </datalist>
          {hint('image')}
        </div>
      )}
      <fieldset class="field wide" aria-labelledby={`${id}-env-legend`} {...described('env')}>
        <legend id={`${id}-env-legend`}>Environment</legend>
        {values.env.map((row, i) => (
          <div class="row" key={i}>
            <input
              aria-label={`Variable ${i + 1} name`}
              value={row.key}
              placeholder="NAME"
              onInput={(e) =>
                set(
                  'env',
                  values.env.map((r, j) => (j === i ? { ...r, key: e.currentTarget.value } : r)),
                )
              }
            />
            <input
              aria-label={`Variable ${i + 1} value`}
              value={row.value}
              placeholder="value"
              onInput={(e) =>
                set(
                  'env',
                  values.env.map((r, j) => (j === i ? { ...r, value: e.currentTarget.value } : r)),
                )
              }
            />
            <button
              type="button"
              aria-label={`Remove variable ${i + 1}`}
              onClick={() =>
                set(
                  'env',
                  values.env.filter((_, j) => j !== i),
                )
              }
            >
              −
            </button>
          </div>
        ))}
        <button type="button" onClick={() => set('env', [...values.env, { key: '', value: '' }])}>
          Add variable
        </button>
        {hint('env')}
      </fieldset>
      {text('tags', 'tags', 'Tags', 'web, production')}
      {text('cpus', 'cpus', 'CPUs', '1.0', true)}
      {text('memory', 'memory', 'Memory', '512m')}
      {text('pids', 'pids', 'PIDs', '256', true)}
      <fieldset class="field wide" aria-labelledby={`${id}-ports-legend`} {...described('ports')}>
        <legend id={`${id}-ports-legend`}>Ports</legend>
        {values.ports.map((row, i) => (
          <div class="row" key={i}>
            <input
              aria-label={`Mapping ${i + 1} host`}
              value={row.host}
              placeholder="host"
              inputMode="numeric"
              onInput={(e) =>
                set(
                  'ports',
                  values.ports.map((r, j) => (j === i ? { ...r, host: e.currentTarget.value } : r)),
                )
              }
            />
            <input
              aria-label={`Mapping ${i + 1} container`}
              value={row.container}
              placeholder="container"
              inputMode="numeric"
              onInput={(e) =>
                set(
                  'ports',
                  values.ports.map((r, j) => (j === i ? { ...r, container: e.currentTarget.value } : r)),
                )
              }
            />
            <select
              aria-label={`Mapping ${i + 1} protocol`}
              value={row.protocol}
              onChange={(e) =>
                set(
                  'ports',
                  values.ports.map((r, j) =>
                    j === i ? { ...r, protocol: e.currentTarget.value === 'udp' ? 'udp' : 'tcp' } : r,
                  ),
                )
              }
            >
              <option value="tcp">tcp</option>
              <option value="udp">udp</option>
            </select>
            <button
              type="button"
              aria-label={`Remove mapping ${i + 1}`}
              onClick={() =>
                set(
                  'ports',
                  values.ports.filter((_, j) => j !== i),
                )
              }
            >
              −
            </button>
          </div>
        ))}
        <button
          type="button"
          onClick={() => set('ports', [...values.ports, { host: '', container: '', protocol: 'tcp' }])}
        >
          Add mapping
        </button>
        {hint('ports')}
      </fieldset>
      {text('command', 'command', 'Command', 'python /app/boot.py (default)')}
      {text('ttl', 'ttl', 'TTL (seconds)', lifetimeHint, true)}
      {text('idle_stop', 'idleStop', 'Idle stop (seconds)', lifetimeHint, true)}
    </div>
  );
}
