import { useEffect, useId, useRef, type ReactNode } from "react";

/**
 * A modal question with two answers, on the native <dialog>: focus starts on the safe answer
 * (the first button), Escape cancels. Rendered only while `open`.
 */
export function ConfirmDialog({ open, title, children, confirm, cancel = "Cancel", danger = false, onConfirm, onCancel }: {
  open: boolean;
  title: string;
  children: ReactNode;
  confirm: string;
  cancel?: string;
  danger?: boolean;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const bodyId = useId();
  useEffect(() => {
    const dialog = ref.current;
    if (open && dialog && !dialog.open) dialog.showModal();
  }, [open]);
  if (!open) return null;
  return (
    <dialog ref={ref} className="confirm-dialog" aria-labelledby={titleId} aria-describedby={bodyId}
      onCancel={(e) => { e.preventDefault(); onCancel(); }}>
      <h2 id={titleId}>{title}</h2>
      <div id={bodyId}>{children}</div>
      <div className="actions">
        <button type="button" onClick={onCancel}>{cancel}</button>
        <button type="button" className={danger ? "danger" : "primary"} onClick={onConfirm}>{confirm}</button>
      </div>
    </dialog>
  );
}
