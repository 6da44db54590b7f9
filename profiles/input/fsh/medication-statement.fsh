// Medication statement: an RxNorm-coded drug (code or Medication reference), when, how much, why, and whether it was taken.

Extension: FibroTrackAdherence
Id: fibrotrack-adherence
Title: "FibroTrack adherence"
Description: "Whether the patient took the medication as stated (taken) or not (not taken)."
* ^status = #active
* ^context.type = #element
* ^context.expression = "MedicationStatement"
* value[x] 1..1
* value[x] only CodeableConcept
* valueCodeableConcept from FibroTrackAdherenceVS (required)

Profile: FibroTrackMedication
Parent: Medication
Id: fibrotrack-medication
Title: "FibroTrack medication"
Description: "A Medication identified by an RxNorm code."
* ^status = #active
* code 1..1 MS
* code.coding 1..* MS
* code.coding ^slicing.discriminator.type = #value
* code.coding ^slicing.discriminator.path = "system"
* code.coding ^slicing.rules = #open
* code.coding contains rxnorm 1..1 MS
* code.coding[rxnorm].system 1..1
* code.coding[rxnorm].system = $RXN (exactly)
* code.coding[rxnorm].code 1..1

Profile: FibroTrackMedicationStatement
Parent: MedicationStatement
Id: fibrotrack-medication-statement
Title: "FibroTrack medication statement"
Description: "A drug the patient takes or took, coded in RxNorm, with dosage, reason and adherence."
* ^status = #active
* extension contains FibroTrackAdherence named adherence 0..1 MS
* status MS
* medication[x] MS
* medication[x] only CodeableConcept or Reference(FibroTrackMedication)
* medicationCodeableConcept.coding 1..* MS
* medicationCodeableConcept.coding ^slicing.discriminator.type = #value
* medicationCodeableConcept.coding ^slicing.discriminator.path = "system"
* medicationCodeableConcept.coding ^slicing.rules = #open
* medicationCodeableConcept.coding contains rxnorm 1..1 MS
* medicationCodeableConcept.coding[rxnorm].system 1..1
* medicationCodeableConcept.coding[rxnorm].system = $RXN (exactly)
* medicationCodeableConcept.coding[rxnorm].code 1..1
* subject MS
* subject only Reference(Patient)
* effective[x] 1..1 MS
* dosage MS
* reasonCode MS
* reasonReference MS
* statusReason MS
