// Sealing latency: for each audit event committed since `since`, the time until a signed
// checkpoint covered it. Filled in against the audit module's tables once they exist; returns
// null while the build has no checkpoints.
async function sealingLatencies(db, since) {
  const [{ exists }] = await db.query(
    `SELECT to_regclass('audit_checkpoints') IS NOT NULL AS exists`,
  );
  if (!exists) return null;
  return null;
}

module.exports = { sealingLatencies };
