/// The monitoring probe kinds, registered in `ProbeRegistry.builtIn`.
let monitoringProbes: [RegisteredProbe] = []
