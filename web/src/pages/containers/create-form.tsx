import { useState } from 'preact/hooks';
import { api, ApiError } from '../../api/client';
import type { Container, ErrorBody } from '../../api/types';
import { SpecFields } from '../../components/spec-fields';
import { createBody, emptySpec, fieldOf, type FieldName } from '../../components/spec-form';
import { useServices } from '../../context';
import { hrefContainer } from '../../router';

const RECENT_IMAGES_KEY = 'cm.recentImages';

/** Images to suggest: those the host's containers use and those created from here lately. */
function suggestedImages(containers: Iterable<Container>): string[] {
  let recent: string[] = [];
  try {
    recent = JSON.parse(localStorage.getItem(RECENT_IMAGES_KEY) ?? '[]') as string[];
  } catch {
    recent = [];
  }
  return [...new Set([...recent, ...[...containers].map((c) => c.image)])].slice(0, 50);
}

function remember(image: string): void {
  try {
    const recent = JSON.parse(localStorage.getItem(RECENT_IMAGES_KEY) ?? '[]') as string[];
    localStorage.setItem(RECENT_IMAGES_KEY, JSON.stringify([image, ...recent.filter((i) => i !== image)].slice(0, 20)));
  } catch {
    // storage disabled: suggestions just come from the containers
  }
}

export function CreateForm({ onDone }: { onDone: () => void }) {
  const { containers, notices } = useServices();
  const [values, setValues] = useState(emptySpec());
  const [fieldError, setFieldError] = useState<{ field: FieldName; error: ErrorBody } | null>(null);
  const [formError, setFormError] = useState<ErrorBody | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: Event): Promise<void> => {
    e.preventDefault();
    setBusy(true);
    setFieldError(null);
    setFormError(null);
    try {
      const created = await api<Container>('POST', '/containers', createBody(values));
      containers.put(created);
      remember(created.image);
      notices.info(`Created ${created.cuid}`);
      onDone();
      location.hash = hrefContainer(created.cuid);
    } catch (err) {
      const field = err instanceof ApiError ? fieldOf(err.field) : null;
      if (err instanceof ApiError && field) setFieldError({ field, error: err.body });
      else if (err instanceof ApiError) setFormError(err.body);
      else notices.error('Create failed:', err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="panel create-form" aria-label="New container" onSubmit={(e) => void submit(e)} noValidate>
      <h2>New container</h2>
      <SpecFields
        id="create"
        values={values}
        onChange={setValues}
        fieldError={fieldError}
        withImage
        imageSuggestions={suggestedImages(containers.byCuid.values())}
      />
      {formError && (
        <p class="field-error" role="alert">
          <code>{formError.code}</code> {formError.message}
          {formError.request_id && <span class="notice-rid"> (request_id {formError.request_id})</span>}
        </p>
      )}
      <div class="form-buttons">
        <button type="submit" class="primary" disabled={busy}>
          Create
        </button>
        <button type="button" onClick={onDone}>
          Cancel
        </button>
      </div>
    </form>
  );
}
