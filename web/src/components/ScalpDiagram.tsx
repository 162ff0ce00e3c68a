import type { View } from '../types';

/** A small top-down sketch of the scalp showing the four SALT regions and their weights. */
export function ScalpDiagram({ active }: { active?: View | null }) {
  const fill = (view: View) => (active === view ? 'var(--accent-soft)' : 'var(--surface-2)');
  return (
    <figure className="scalp-diagram">
      <svg viewBox="0 -6 120 146" role="img" aria-labelledby="scalp-title">
        <title id="scalp-title">
          Scalp regions seen from above: top 40%, back 24%, left side 18%, right side 18%
        </title>
        <path
          d="M60 8 C 95 8 112 40 112 75 C 112 110 90 132 60 132 C 30 132 8 110 8 75 C 8 40 25 8 60 8 Z"
          fill="none"
          stroke="var(--line-strong)"
          strokeWidth="2"
        />
        <path
          d="M30 22 C 45 12 75 12 90 22 L 86 88 L 34 88 Z"
          fill={fill('top')}
          stroke="var(--line-strong)"
        />
        <path
          d="M34 88 L 86 88 L 96 112 C 82 128 38 128 24 112 Z"
          fill={fill('back')}
          stroke="var(--line-strong)"
        />
        <path
          d="M30 22 L 34 88 L 24 112 C 12 96 8 60 20 36 Z"
          fill={fill('left')}
          stroke="var(--line-strong)"
        />
        <path
          d="M90 22 L 86 88 L 96 112 C 108 96 112 60 100 36 Z"
          fill={fill('right')}
          stroke="var(--line-strong)"
        />
        <text x="60" y="55" textAnchor="middle" className="diagram-label">
          Top 40
        </text>
        <text x="60" y="110" textAnchor="middle" className="diagram-label">
          Back 24
        </text>
        <text x="18" y="70" textAnchor="middle" className="diagram-label">
          L 18
        </text>
        <text x="102" y="70" textAnchor="middle" className="diagram-label">
          R 18
        </text>
        <text x="60" y="3" textAnchor="middle" className="diagram-label">
          front
        </text>
      </svg>
    </figure>
  );
}
