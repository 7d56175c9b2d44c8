/// The directory probe kinds (filled in by the directory issue).
let directoryProbes: [RegisteredProbe] = []
