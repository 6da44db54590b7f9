// Subscription topics the server publishes, as the Subscriptions R5 Backport IG represents a SubscriptionTopic in
// R4: a Basic resource with the cross-version SubscriptionTopic extensions. A Subscription names one by its
// canonical URL in `criteria`; the server runs the topic's query criteria (server/src/subscriptions/topics.ts).
// https://hl7.org/fhir/uv/subscriptions-backport/STU1.1/components.html#subscription-topics

Alias: $topic = http://hl7.org/fhir/5.0/StructureDefinition/extension-SubscriptionTopic

Instance: pain-severe
InstanceOf: Basic
Usage: #definition
Title: "Severe pain"
* code = http://hl7.org/fhir/fhir-types#SubscriptionTopic
* extension[0].url = "http://hl7.org/fhir/5.0/StructureDefinition/extension-SubscriptionTopic.url"
* extension[=].valueUri = "https://fhir.fibrotrack.org/SubscriptionTopic/pain-severe"
* extension[+].url = "http://hl7.org/fhir/5.0/StructureDefinition/extension-SubscriptionTopic.version"
* extension[=].valueString = "0.1.0"
* extension[+].url = "http://hl7.org/fhir/5.0/StructureDefinition/extension-SubscriptionTopic.name"
* extension[=].valueString = "PainSevere"
* extension[+].url = "http://hl7.org/fhir/5.0/StructureDefinition/extension-SubscriptionTopic.title"
* extension[=].valueString = "Severe pain"
* extension[+].url = "http://hl7.org/fhir/5.0/StructureDefinition/extension-SubscriptionTopic.status"
* extension[=].valueCode = #active
* extension[+].url = "http://hl7.org/fhir/5.0/StructureDefinition/extension-SubscriptionTopic.description"
* extension[=].valueMarkdown = "A patient recorded a pain score (LOINC 72514-3, 0 to 10) above 8. Filter by patient with `patient=Patient/<id>`, by the patient's general practitioner with `general-practitioner=Practitioner/<id>` or by a member of the patient's care team with `care-team=Practitioner/<id>`; a `value-quantity` filter (`value-quantity=gt6`) sets another threshold. Each notification carries the Observation (or its id); the Observation names the patient."
* extension[+].url = "http://hl7.org/fhir/5.0/StructureDefinition/extension-SubscriptionTopic.resourceTrigger"
* extension[=].extension[0].url = "description"
* extension[=].extension[=].valueMarkdown = "A pain score above 8 is created or updated."
* extension[=].extension[+].url = "resource"
* extension[=].extension[=].valueUri = "http://hl7.org/fhir/StructureDefinition/Observation"
* extension[=].extension[+].url = "supportedInteraction"
* extension[=].extension[=].valueCode = #create
* extension[=].extension[+].url = "supportedInteraction"
* extension[=].extension[=].valueCode = #update
* extension[=].extension[+].url = "queryCriteria"
* extension[=].extension[=].extension[0].url = "current"
* extension[=].extension[=].extension[=].valueString = "code=http://loinc.org|72514-3&value-quantity=gt8"
* extension[=].extension[=].extension[+].url = "requireBoth"
* extension[=].extension[=].extension[=].valueBoolean = false
* extension[+].url = "http://hl7.org/fhir/5.0/StructureDefinition/extension-SubscriptionTopic.canFilterBy"
* extension[=].extension[0].url = "description"
* extension[=].extension[=].valueMarkdown = "The patient whose pain scores are sent."
* extension[=].extension[+].url = "resource"
* extension[=].extension[=].valueUri = "Observation"
* extension[=].extension[+].url = "filterParameter"
* extension[=].extension[=].valueString = "patient"
* extension[+].url = "http://hl7.org/fhir/5.0/StructureDefinition/extension-SubscriptionTopic.canFilterBy"
* extension[=].extension[0].url = "description"
* extension[=].extension[=].valueMarkdown = "The threshold: `value-quantity=gt6` replaces the default `gt8`."
* extension[=].extension[+].url = "resource"
* extension[=].extension[=].valueUri = "Observation"
* extension[=].extension[+].url = "filterParameter"
* extension[=].extension[=].valueString = "value-quantity"
* extension[+].url = "http://hl7.org/fhir/5.0/StructureDefinition/extension-SubscriptionTopic.canFilterBy"
* extension[=].extension[0].url = "description"
* extension[=].extension[=].valueMarkdown = "The patient's general practitioner (`Patient.generalPractitioner`): `general-practitioner=Practitioner/<id>` (or an Organization or PractitionerRole) sends the pain scores of the patients who name it. Same as `patient:Patient.general-practitioner=<reference>`."
* extension[=].extension[+].url = "resource"
* extension[=].extension[=].valueUri = "Observation"
* extension[=].extension[+].url = "filterParameter"
* extension[=].extension[=].valueString = "general-practitioner"
* extension[+].url = "http://hl7.org/fhir/5.0/StructureDefinition/extension-SubscriptionTopic.canFilterBy"
* extension[=].extension[0].url = "description"
* extension[=].extension[=].valueMarkdown = "A member of the patient's care team: `care-team=Practitioner/<id>` sends the pain scores of the patients who are the subject of a CareTeam with that participant (`CareTeam.participant.member`), whatever the CareTeam's status. Same as `patient:Patient._has:CareTeam:patient:participant=<reference>`."
* extension[=].extension[+].url = "resource"
* extension[=].extension[=].valueUri = "Observation"
* extension[=].extension[+].url = "filterParameter"
* extension[=].extension[=].valueString = "care-team"
* insert TopicShape

RuleSet: TopicShape
* extension[+].url = "http://hl7.org/fhir/5.0/StructureDefinition/extension-SubscriptionTopic.notificationShape"
* extension[=].extension[0].url = "resource"
* extension[=].extension[=].valueUri = "Observation"

RuleSet: ComputedTopic(id, name, title, query)
* code = http://hl7.org/fhir/fhir-types#SubscriptionTopic
* extension[0].url = "http://hl7.org/fhir/5.0/StructureDefinition/extension-SubscriptionTopic.url"
* extension[=].valueUri = "https://fhir.fibrotrack.org/SubscriptionTopic/{id}"
* extension[+].url = "http://hl7.org/fhir/5.0/StructureDefinition/extension-SubscriptionTopic.version"
* extension[=].valueString = "0.1.0"
* extension[+].url = "http://hl7.org/fhir/5.0/StructureDefinition/extension-SubscriptionTopic.name"
* extension[=].valueString = "{name}"
* extension[+].url = "http://hl7.org/fhir/5.0/StructureDefinition/extension-SubscriptionTopic.title"
* extension[=].valueString = "{title}"
* extension[+].url = "http://hl7.org/fhir/5.0/StructureDefinition/extension-SubscriptionTopic.status"
* extension[=].valueCode = #active
* extension[+].url = "http://hl7.org/fhir/5.0/StructureDefinition/extension-SubscriptionTopic.resourceTrigger"
* extension[=].extension[0].url = "resource"
* extension[=].extension[=].valueUri = "http://hl7.org/fhir/StructureDefinition/Observation"
* extension[=].extension[+].url = "supportedInteraction"
* extension[=].extension[=].valueCode = #create
* extension[=].extension[+].url = "supportedInteraction"
* extension[=].extension[=].valueCode = #update
* extension[=].extension[+].url = "queryCriteria"
* extension[=].extension[=].extension[0].url = "current"
* extension[=].extension[=].extension[=].valueString = "{query}"
* extension[=].extension[=].extension[+].url = "requireBoth"
* extension[=].extension[=].extension[=].valueBoolean = false
* extension[+].url = "http://hl7.org/fhir/5.0/StructureDefinition/extension-SubscriptionTopic.canFilterBy"
* extension[=].extension[0].url = "description"
* extension[=].extension[=].valueMarkdown = "The patient whose Observations are watched (`patient=Patient/<id>`)."
* extension[=].extension[+].url = "resource"
* extension[=].extension[=].valueUri = "Observation"
* extension[=].extension[+].url = "filterParameter"
* extension[=].extension[=].valueString = "patient"
* insert TopicShape

// Computed topics: the query picks the Observations; the server then checks a condition over the patient's other
// values (server/src/subscriptions/trends/trend-conditions.ts), in the write's transaction.

Instance: pain-rising
InstanceOf: Basic
Usage: #definition
Title: "Pain rising"
* insert ComputedTopic(pain-rising, PainRising, Pain rising, code=http://loinc.org|72514-3)
* extension[+].url = "http://hl7.org/fhir/5.0/StructureDefinition/extension-SubscriptionTopic.description"
* extension[=].valueMarkdown = "A pain score (LOINC 72514-3) written at time t makes the mean of the patient's scores in (t - 7 days, t] at least 2 points higher than the mean of their scores in (t - 14 days, t - 7 days] (each window holding at least one score), where without it it was not: one notification when the rise begins. It carries the Observation and names the patient."

Instance: wearable-anomaly
InstanceOf: Basic
Usage: #definition
Title: "Wearable anomaly"
* insert ComputedTopic(wearable-anomaly, WearableAnomaly, Wearable anomaly, code=http://loinc.org|40443-4)
* extension[+].url = "http://hl7.org/fhir/5.0/StructureDefinition/extension-SubscriptionTopic.description"
* extension[=].valueMarkdown = "A resting heart rate (LOINC 40443-4, imported from a wearable) written at time t lies outside the patient's usual range: more than 2 sample standard deviations (at least 1/min) from the mean of their resting heart rates in [t - 28 days, t), given at least 14 of them (fewer: no usual range yet, no notification). It carries the Observation and names the patient."
