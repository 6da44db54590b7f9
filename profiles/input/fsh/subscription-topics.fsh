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
* extension[=].valueMarkdown = "A patient recorded a pain score (LOINC 72514-3, 0 to 10) above 8. Filter by patient with `patient=Patient/<id>`. Each notification carries the Observation (or its id); the Observation names the patient."
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
* extension[+].url = "http://hl7.org/fhir/5.0/StructureDefinition/extension-SubscriptionTopic.notificationShape"
* extension[=].extension[0].url = "resource"
* extension[=].extension[=].valueUri = "Observation"
