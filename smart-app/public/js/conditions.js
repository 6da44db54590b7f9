export function conditionSearchUrl(patientId) {
    return `Condition?${new URLSearchParams({ patient: patientId, _count: '200' })}`;
}
const ACTIVE = new Set(['active', 'recurrence', 'relapse']);
export function conditionRows(resources) {
    const rows = [];
    for (const r of resources) {
        if (r.resourceType !== 'Condition')
            continue;
        const c = r;
        const verification = c.verificationStatus?.coding?.[0]?.code;
        if (verification === 'entered-in-error' || verification === 'refuted')
            continue;
        const status = c.clinicalStatus?.coding?.[0]?.code;
        const name = c.code?.text?.trim() || c.code?.coding?.find((x) => x.display)?.display || c.code?.coding?.[0]?.code || 'Unnamed condition';
        rows.push({
            id: c.id,
            name,
            active: status !== undefined && ACTIVE.has(status),
            status: status ? status.charAt(0).toUpperCase() + status.slice(1) : 'Unknown',
            onset: c.onsetDateTime ?? c.onsetPeriod?.start ?? c.recordedDate,
            abatement: c.abatementDateTime ?? c.abatementPeriod?.end,
        });
    }
    const time = (v) => (v ? Date.parse(v) : 0) || 0;
    return rows.sort((a, b) => Number(b.active) - Number(a.active) || time(b.onset) - time(a.onset) || a.name.localeCompare(b.name));
}
