#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdlib.h>

#include "mlgit_support.h"

struct mlgit_pattern {
  pcre2_code *code;
  pcre2_match_context *context;
};

mlgit_pattern *mlgit_pattern_compile(const char *pattern, size_t length, uint32_t match_limit) {
  int error = 0;
  PCRE2_SIZE offset = 0;
  /* UTF: a pattern and its values are Unicode text, matched code point by code point.
     UCP: \d, \w, \s, \b and POSIX classes are Unicode's, as in Perl and ICU.
     DOLLAR_ENDONLY: $ is the end of the value, not also before a final newline.
     NEVER_BACKSLASH_C: \C could match half a character. */
  pcre2_code *code = pcre2_compile((PCRE2_SPTR)pattern, length,
                                   PCRE2_UTF | PCRE2_UCP | PCRE2_DOLLAR_ENDONLY | PCRE2_NEVER_BACKSLASH_C,
                                   &error, &offset, NULL);
  if (code == NULL) return NULL;
  pcre2_match_context *context = pcre2_match_context_create(NULL);
  mlgit_pattern *result = malloc(sizeof *result);
  if (context == NULL || result == NULL) {
    pcre2_match_context_free(context);
    pcre2_code_free(code);
    free(result);
    return NULL;
  }
  /* The bound on backtracking: a pattern that nests quantifiers, such as (a+)+, takes
     exponential time on a value written for it. The depth and heap limits bound the
     backtracking's memory the same way. */
  pcre2_set_match_limit(context, match_limit);
  pcre2_set_depth_limit(context, match_limit);
  pcre2_set_heap_limit(context, 64 * 1024); /* KiB */
  result->code = code;
  result->context = context;
  return result;
}

int mlgit_pattern_match(const mlgit_pattern *pattern, const char *text, size_t length) {
  pcre2_match_data *data = pcre2_match_data_create_from_pattern(pattern->code, NULL);
  if (data == NULL) return MLGIT_PATTERN_FAILED;
  /* Swift strings are valid UTF-8: no check of the value. */
  int status = pcre2_match(pattern->code, (PCRE2_SPTR)text, length, 0, PCRE2_NO_UTF_CHECK, data,
                           pattern->context);
  pcre2_match_data_free(data);
  if (status >= 0) return MLGIT_PATTERN_FOUND;
  if (status == PCRE2_ERROR_NOMATCH) return MLGIT_PATTERN_NOT_FOUND;
  if (status == PCRE2_ERROR_MATCHLIMIT || status == PCRE2_ERROR_DEPTHLIMIT || status == PCRE2_ERROR_HEAPLIMIT)
    return MLGIT_PATTERN_TOO_COSTLY;
  return MLGIT_PATTERN_FAILED;
}

void mlgit_pattern_free(mlgit_pattern *pattern) {
  if (pattern == NULL) return;
  pcre2_match_context_free(pattern->context);
  pcre2_code_free(pattern->code);
  free(pattern);
}
