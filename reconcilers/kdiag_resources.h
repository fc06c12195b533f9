// kdiag's own resources, as REST collections.
#pragma once

#include "controller/resource_type.h"

namespace kdiag {

inline const ResourceType kDiagnoses{"kdiag.dev", "v1alpha1", "diagnoses", true};
inline const ResourceType kTroubleshootSessions{"kdiag.dev", "v1alpha1", "troubleshootsessions",
                                                true};

}  // namespace kdiag
