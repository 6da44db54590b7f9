// Pain severity: a 0-10 numeric rating (LOINC 72514-3) with its body location and optional quality and interference.
// Scores are UCUM quantities in {score}, not integers: R4's value-quantity and code-value-quantity searches (how an EHR
// finds severe pain, "value-quantity=gt8") only see Quantity values, so a valueInteger score could never be found.
// "A whole number from 0 to 10" is an invariant because a Quantity's value is a decimal.

Invariant: ft-pain-1
Description: "The pain score (value.value) is a whole number from 0 to 10."
Expression: "value.value.all($this >= 0 and $this <= 10 and $this.floor() = $this)"
Severity: #error

Invariant: ft-pain-2
Description: "The pain interference score (value.value) is a whole number from 0 to 10."
Expression: "value.value.all($this >= 0 and $this <= 10 and $this.floor() = $this)"
Severity: #error

Profile: FibroTrackPainSeverity
Parent: Observation
Id: fibrotrack-pain-severity
Title: "FibroTrack pain severity"
Description: "A patient-reported pain score from 0 (no pain) to 10 (worst imaginable pain), optionally located on one of the 19 Widespread Pain Index regions."
* ^status = #active
* insert CategorySlice(survey, survey)
* code = $LNC#72514-3
* code MS
* subject 1..1 MS
* subject only Reference(Patient)
* effective[x] 1..1 MS
* effective[x] only dateTime or Period
* obeys ft-pain-1
* insert UcumValue({score})
* bodySite MS
* bodySite from FibroTrackPainLocation (required)
* component MS
* component ^slicing.discriminator.type = #pattern
* component ^slicing.discriminator.path = "code"
* component ^slicing.rules = #open
* component contains quality 0..* MS and interference 0..1 MS
* component[quality].code = $FTOBS#pain-quality
* component[quality].value[x] 1..1
* component[quality].value[x] only CodeableConcept
* component[quality].valueCodeableConcept from FibroTrackPainQuality (required)
* component[interference].code = $FTOBS#pain-interference
* component[interference] obeys ft-pain-2
* component[interference].value[x] 1..1
* component[interference].value[x] only Quantity
* component[interference].valueQuantity.value 1..1
* component[interference].valueQuantity.system 1..1
* component[interference].valueQuantity.system = $UCUM (exactly)
* component[interference].valueQuantity.code 1..1
* component[interference].valueQuantity.code = #{score} (exactly)
