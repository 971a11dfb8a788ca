#ifndef MLGIT_CLIBYAML_SHIM_H
#define MLGIT_CLIBYAML_SHIM_H

/* libyaml (Debian's libyaml-dev, pkg-config yaml-0.1): the YAML scanner and parser
   MLSpec reads specs and configs with. */
#include <yaml.h>

#endif
