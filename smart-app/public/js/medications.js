export function medicationSearchUrl(patientId) {
    const params = new URLSearchParams({
        patient: patientId,
        status: 'active',
        _include: 'MedicationStatement:medication',
        _count: '100',
    });
    return `MedicationStatement?${params}`;
}
function conceptText(concept) {
    return concept?.text?.trim() || concept?.coding?.find((c) => c.display)?.display || concept?.coding?.find((c) => c.code)?.code;
}
/**
 * Rows for the active statements among `resources` (a search result with its included Medications),
 * sorted by name. A medicationReference is resolved against the included Medications.
 */
export function medicationRows(resources) {
    const medications = new Map();
    for (const r of resources)
        if (r.resourceType === 'Medication' && r.id)
            medications.set(`Medication/${r.id}`, r);
    const rows = [];
    for (const r of resources) {
        if (r.resourceType !== 'MedicationStatement')
            continue;
        const ms = r;
        if (ms.status !== 'active')
            continue;
        const ref = ms.medicationReference;
        const name = conceptText(ms.medicationCodeableConcept) ??
            (ref?.reference ? conceptText(medications.get(ref.reference)?.code) : undefined) ??
            ref?.display ?? 'Unnamed medication';
        const dosage = (ms.dosage ?? []).map((d) => d.text?.trim()).filter(Boolean).join('; ') || 'No dosage recorded';
        const since = ms.effectiveDateTime ?? ms.effectivePeriod?.start ?? ms.dateAsserted;
        rows.push({ name, dosage, since, id: ms.id });
    }
    return rows.sort((a, b) => a.name.localeCompare(b.name));
}
