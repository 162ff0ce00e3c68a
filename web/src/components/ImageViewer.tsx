import { useRef, useState, type KeyboardEvent, type PointerEvent, type WheelEvent } from 'react';
import { Dialog } from './Dialog';

interface Transform {
  scale: number;
  x: number;
  y: number;
}

const MIN_SCALE = 1;
const MAX_SCALE = 8;
const IDENTITY: Transform = { scale: 1, x: 0, y: 0 };

function clampScale(scale: number): number {
  return Math.min(MAX_SCALE, Math.max(MIN_SCALE, scale));
}

/** Zooms `t` by `factor` keeping the point (px, py), relative to the stage centre, still. */
function zoomAt(t: Transform, factor: number, px: number, py: number): Transform {
  const scale = clampScale(t.scale * factor);
  const applied = scale / t.scale;
  if (scale === 1) return IDENTITY;
  return { scale, x: px - (px - t.x) * applied, y: py - (py - t.y) * applied };
}

interface ImageViewerProps {
  src: string | null;
  label: string;
  onClose: () => void;
}

/** One view, large: wheel or pinch to zoom, drag to pan, +/−/0 and arrows from the keyboard. */
export function ImageViewer({ src, label, onClose }: ImageViewerProps) {
  const [transform, setTransform] = useState<Transform>(IDENTITY);
  const pointers = useRef(new Map<number, { x: number; y: number }>());
  const stage = useRef<HTMLDivElement>(null);

  const relative = (clientX: number, clientY: number) => {
    const rect = stage.current?.getBoundingClientRect();
    if (!rect) return { x: 0, y: 0 };
    return { x: clientX - rect.left - rect.width / 2, y: clientY - rect.top - rect.height / 2 };
  };

  const onWheel = (event: WheelEvent) => {
    const point = relative(event.clientX, event.clientY);
    setTransform((t) => zoomAt(t, event.deltaY < 0 ? 1.2 : 1 / 1.2, point.x, point.y));
  };

  const onPointerDown = (event: PointerEvent) => {
    event.currentTarget.setPointerCapture(event.pointerId);
    pointers.current.set(event.pointerId, { x: event.clientX, y: event.clientY });
  };

  const onPointerMove = (event: PointerEvent) => {
    const previous = pointers.current.get(event.pointerId);
    if (!previous) return;
    const others = [...pointers.current.entries()].filter(([id]) => id !== event.pointerId);
    const current = { x: event.clientX, y: event.clientY };
    if (others.length === 0) {
      const dx = current.x - previous.x;
      const dy = current.y - previous.y;
      setTransform((t) => (t.scale === 1 ? t : { ...t, x: t.x + dx, y: t.y + dy }));
    } else {
      // Pinch: scale by how much the distance to the other finger changed, around the midpoint.
      const other = others[0][1];
      const before = Math.hypot(previous.x - other.x, previous.y - other.y);
      const after = Math.hypot(current.x - other.x, current.y - other.y);
      if (before > 0) {
        const mid = relative((current.x + other.x) / 2, (current.y + other.y) / 2);
        setTransform((t) => zoomAt(t, after / before, mid.x, mid.y));
      }
    }
    pointers.current.set(event.pointerId, current);
  };

  const onPointerUp = (event: PointerEvent) => {
    pointers.current.delete(event.pointerId);
  };

  const onKeyDown = (event: KeyboardEvent) => {
    const step = event.shiftKey ? 100 : 30;
    const pan = (dx: number, dy: number) =>
      setTransform((t) => (t.scale === 1 ? t : { ...t, x: t.x + dx, y: t.y + dy }));
    switch (event.key) {
      case '+':
      case '=':
        setTransform((t) => zoomAt(t, 1.25, 0, 0));
        break;
      case '-':
        setTransform((t) => zoomAt(t, 1 / 1.25, 0, 0));
        break;
      case '0':
        setTransform(IDENTITY);
        break;
      case 'ArrowLeft':
        pan(step, 0);
        break;
      case 'ArrowRight':
        pan(-step, 0);
        break;
      case 'ArrowUp':
        pan(0, step);
        break;
      case 'ArrowDown':
        pan(0, -step);
        break;
      default:
        return;
    }
    event.preventDefault();
  };

  const close = () => {
    setTransform(IDENTITY);
    onClose();
  };

  return (
    <Dialog open={src !== null} title={`${label}, enlarged`} onClose={close} className="viewer">
      <div className="viewer-bar">
        <h2>{label}</h2>
        <span className="hint">Wheel or pinch to zoom · drag to pan · + − 0 · arrows</span>
        <div className="viewer-tools">
          <button type="button" onClick={() => setTransform((t) => zoomAt(t, 1.25, 0, 0))}>
            Zoom in
          </button>
          <button type="button" onClick={() => setTransform((t) => zoomAt(t, 0.8, 0, 0))}>
            Zoom out
          </button>
          <button type="button" onClick={() => setTransform(IDENTITY)}>
            Reset
          </button>
          <button type="button" className="primary" onClick={close} data-autofocus>
            Close
          </button>
        </div>
      </div>
      <div
        ref={stage}
        className="viewer-stage"
        tabIndex={0}
        role="group"
        aria-label={`${label} image, ${Math.round(transform.scale * 100)}% zoom`}
        onWheel={onWheel}
        onPointerDown={onPointerDown}
        onPointerMove={onPointerMove}
        onPointerUp={onPointerUp}
        onPointerCancel={onPointerUp}
        onKeyDown={onKeyDown}
      >
        {src && (
          <img
            src={src}
            alt={label}
            draggable={false}
            style={{
              transform: `translate(${transform.x}px, ${transform.y}px) scale(${transform.scale})`,
            }}
          />
        )}
      </div>
      <p className="viewer-zoom" aria-live="polite">
        {Math.round(transform.scale * 100)}%
      </p>
    </Dialog>
  );
}
