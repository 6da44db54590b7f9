// Code systems and canonical bases used across the FibroTrack FSH files.
Alias: $LNC = http://loinc.org
Alias: $SCT = http://snomed.info/sct
Alias: $UCUM = http://unitsofmeasure.org
Alias: $RXN = http://www.nlm.nih.gov/research/umls/rxnorm
Alias: $OBSCAT = http://terminology.hl7.org/CodeSystem/observation-category
Alias: $FTOBS = https://fhir.fibrotrack.org/CodeSystem/fibrotrack-observation
Alias: $FTSLEEP = https://fhir.fibrotrack.org/CodeSystem/fibrotrack-sleep-stage
Alias: $FTPQ = https://fhir.fibrotrack.org/CodeSystem/fibrotrack-pain-quality
Alias: $FTADH = https://fhir.fibrotrack.org/CodeSystem/fibrotrack-adherence
Alias: $VS = http://hl7.org/fhir/StructureDefinition/vitalsigns
Alias: $HR = http://hl7.org/fhir/StructureDefinition/heartrate
Alias: $SPO2 = http://hl7.org/fhir/StructureDefinition/oxygensat
Alias: $WEIGHT = http://hl7.org/fhir/StructureDefinition/bodyweight
