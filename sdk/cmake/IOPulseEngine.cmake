# iopulse_add_engine(<name> SOURCES <src>... [LIBRARIES <lib>...] [OUTPUT_DIRECTORY <dir>])
#
# Builds an IOPulse engine plugin as a shared object named iopulse_<name>.so
# from the public SDK only: hidden visibility (only iopulse_engine_entry is
# exported) and no undefined symbols (an engine never calls into the host).
# Requires the target IOPulse::sdk (the SDK's include directory).
function(iopulse_add_engine name)
  cmake_parse_arguments(ARG "" "OUTPUT_DIRECTORY" "SOURCES;LIBRARIES" ${ARGN})
  if(NOT ARG_SOURCES)
    message(FATAL_ERROR "iopulse_add_engine(${name}): SOURCES is required")
  endif()
  set(target iopulse_engine_${name})
  add_library(${target} MODULE ${ARG_SOURCES})
  set_target_properties(${target} PROPERTIES
    PREFIX ""
    OUTPUT_NAME "iopulse_${name}"
    C_VISIBILITY_PRESET hidden
    CXX_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON)
  if(ARG_OUTPUT_DIRECTORY)
    set_target_properties(${target} PROPERTIES LIBRARY_OUTPUT_DIRECTORY "${ARG_OUTPUT_DIRECTORY}")
  endif()
  target_link_libraries(${target} PRIVATE IOPulse::sdk ${ARG_LIBRARIES})
  target_link_options(${target} PRIVATE "LINKER:--no-undefined")
  set_property(GLOBAL APPEND PROPERTY IOPULSE_ENGINE_TARGETS ${target})
endfunction()
