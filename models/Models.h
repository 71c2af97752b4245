// Models: the project's meshes described in code (metres; Y up; a vehicle's forward is +X;
// origin at the centre of its footprint on the ground). It must not write files.
#pragma once

#include <map>
#include <string>

namespace models {

// File name (e.g. "truck.gltf") -> glTF text, for every mesh the project uses.
std::map<std::string, std::string> generateAll();

}  // namespace models
