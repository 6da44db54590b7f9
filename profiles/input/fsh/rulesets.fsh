// Rules shared by the FibroTrack Observation profiles.

// One category slice fixed to an observation-category code (activity, survey) on a profile of base Observation.
RuleSet: CategorySlice(slice, code)
* category 1..* MS
* category ^slicing.discriminator.type = #pattern
* category ^slicing.discriminator.path = "$this"
* category ^slicing.rules = #open
* category contains {slice} 1..1 MS
* category[{slice}] = $OBSCAT#{code}

// What every wearable Observation carries: the patient, when, the device that measured it, and the
// source record's identifier (so that importing the same file twice creates nothing new).
RuleSet: WearableObservation
* subject 1..1 MS
* subject only Reference(Patient)
* effective[x] 1..1 MS
* device 1..1 MS
* device only Reference(FibroTrackWearableDevice)
* identifier 1..* MS
* identifier ^slicing.discriminator.type = #value
* identifier ^slicing.discriminator.path = "system"
* identifier ^slicing.rules = #open
* identifier contains wearableRecord 1..1 MS
* identifier[wearableRecord].system 1..1
* identifier[wearableRecord].system = "https://fhir.fibrotrack.org/identifier/wearable-record" (exactly)
* identifier[wearableRecord].value 1..1

// A UCUM quantity value in one unit.
RuleSet: UcumValue(unit)
* value[x] 1..1 MS
* value[x] only Quantity
* valueQuantity.value 1..1
* valueQuantity.system 1..1
* valueQuantity.system = $UCUM (exactly)
* valueQuantity.code 1..1
* valueQuantity.code = #{unit} (exactly)

// An interval: effectivePeriod with both ends.
RuleSet: IntervalEffective
* effective[x] only Period
* effectivePeriod.start 1..1
* effectivePeriod.end 1..1
