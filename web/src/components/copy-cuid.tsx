import { useServices } from '../context';

export function CopyCuid({ cuid }: { cuid: string }) {
  const { notices } = useServices();
  const copy = (): void => {
    navigator.clipboard.writeText(cuid).then(
      () => notices.info(`Copied ${cuid}`),
      () => notices.info(`Copy failed; the full id is ${cuid}`),
    );
  };
  return (
    <button type="button" class="link copy" title={`Copy ${cuid}`} aria-label={`Copy id ${cuid}`} onClick={copy}>
      copy
    </button>
  );
}
