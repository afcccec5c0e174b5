// The tool's list of models, filled at start-up (tool.cpp) and read by the commands.
#include "model_registry.hpp"

#include <algorithm>
#include <utility>

namespace earshot::cli {
namespace {

std::vector<RegisteredModel>& registry() {
  static std::vector<RegisteredModel> models;
  return models;
}

// "fsdd_cnn" and "fsdd-cnn" are the same name.
std::string with_dashes(std::string name) {
  std::replace(name.begin(), name.end(), '_', '-');
  return name;
}

}  // namespace

void register_model(RegisteredModel model) { registry().push_back(std::move(model)); }

const std::vector<RegisteredModel>& registered_models() { return registry(); }

const RegisteredModel* find_model(const std::string& name) {
  const std::string wanted = with_dashes(name);
  for (const RegisteredModel& model : registered_models()) {
    if (wanted == with_dashes(model.name)) return &model;
  }
  return nullptr;
}

std::string model_names() {
  std::string names;
  for (const RegisteredModel& model : registered_models()) {
    names += (names.empty() ? "" : ", ") + std::string(model.name);
  }
  return names;
}

}  // namespace earshot::cli
