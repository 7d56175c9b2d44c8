/// The checks that judge the directory snapshot gather the same snapshot whatever their params say (which right, which
/// controls, which characters), so saved facts of one judge the others, and a check whose params a catalog update
/// changed (`evaluate`).
extension DirectoryRightsProbe: FactsIndependentOfParams {}
extension DirectoryUnexpireProbe: FactsIndependentOfParams {}
extension DirectoryProtectedProbe: FactsIndependentOfParams {}
extension DirectoryInheritanceProbe: FactsIndependentOfParams {}
extension DirectoryPasswordAgeProbe: FactsIndependentOfParams {}
extension DirectoryControlsProbe: FactsIndependentOfParams {}
extension DirectoryWritableProbe: FactsIndependentOfParams {}
extension DirectoryOUNamesProbe: FactsIndependentOfParams {}
extension DirectoryPrerequisiteProbe: FactsIndependentOfParams {}
