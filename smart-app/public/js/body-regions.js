// The 19 Widespread Pain Index regions (our FibroTrackPainLocation value set, SNOMED CT) with a short label
// and a place on the body map's schematic figure (a 200 x 300 grid, front view, patient's left on the right). Pure.
export const SNOMED = 'http://snomed.info/sct';
export const BODY_REGIONS = [
    { code: '661005:272741003=24028007', label: 'Right jaw', box: [78, 22, 20, 16] },
    { code: '661005:272741003=7771000', label: 'Left jaw', box: [102, 22, 20, 16] },
    { code: '45048000', label: 'Neck', box: [88, 40, 24, 12] },
    { code: '91774008', label: 'Right shoulder', box: [50, 54, 30, 16] },
    { code: '91775009', label: 'Left shoulder', box: [120, 54, 30, 16] },
    { code: '51185008', label: 'Chest', box: [82, 54, 36, 28] },
    { code: '76052000', label: 'Upper back', box: [82, 84, 36, 14] },
    { code: '368209003', label: 'Right upper arm', box: [40, 72, 22, 34] },
    { code: '368208006', label: 'Left upper arm', box: [138, 72, 22, 34] },
    { code: '113345001', label: 'Abdomen', box: [82, 100, 36, 24] },
    { code: '37822005', label: 'Lower back', box: [82, 126, 36, 14] },
    { code: '64262003', label: 'Right forearm', box: [30, 108, 22, 40] },
    { code: '66480008', label: 'Left forearm', box: [148, 108, 22, 40] },
    { code: '287579007', label: 'Right hip', box: [70, 142, 28, 20] },
    { code: '287679003', label: 'Left hip', box: [102, 142, 28, 20] },
    { code: '11207009', label: 'Right thigh', box: [70, 164, 26, 50] },
    { code: '61396006', label: 'Left thigh', box: [104, 164, 26, 50] },
    { code: '32696007', label: 'Right lower leg', box: [72, 218, 22, 60] },
    { code: '48979004', label: 'Left lower leg', box: [106, 218, 22, 60] },
];
const BY_CODE = new Map(BODY_REGIONS.map((r) => [r.code, r]));
export function regionByCode(code) {
    return code ? BY_CODE.get(code) : undefined;
}
