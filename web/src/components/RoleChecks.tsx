interface RoleChecksProps<R extends string> {
  options: readonly R[];
  idPrefix: string;
  roles: R[];
  onChange: (roles: R[]) => void;
  disabled?: boolean;
  /** Whose roles these are, for screen readers when several rows sit in one table. */
  owner?: string;
}

export function RoleChecks<R extends string>(props: RoleChecksProps<R>) {
  const { options, idPrefix, roles, onChange, disabled, owner } = props;
  return (
    <div className="role-checks">
      {options.map((role) => (
        <label key={role} className="checkbox" htmlFor={`${idPrefix}-${role}`}>
          <input
            id={`${idPrefix}-${role}`}
            type="checkbox"
            checked={roles.includes(role)}
            disabled={disabled}
            aria-label={owner ? `${owner}: ${role}` : undefined}
            onChange={(event) =>
              onChange(event.target.checked ? [...roles, role] : roles.filter((r) => r !== role))
            }
          />
          {role}
        </label>
      ))}
    </div>
  );
}
