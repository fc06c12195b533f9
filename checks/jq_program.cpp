#include "checks/jq_program.h"

// jq 1.6's header declares C functions without extern "C".
extern "C" {
#include <jq.h>
}

#include <algorithm>
#include <chrono>

namespace kdiag {
namespace {

// The program runs inside this frame. The input is [object, now in seconds]; the frame makes
// `.` the object and shadows every builtin that reaches outside the value: $ENV and env (the
// process environment), now (the clock: answered with the run's time instead), input and
// inputs (standard input; no input callback is set either), stderr and modulemeta (files).
// The user's program sits inside parentheses, so `import` and `include`, which jq allows only at
// the top, are syntax errors. The frame shares the program's first line, so the line numbers in
// jq's messages are the program's own; the closing parenthesis starts a new line so a trailing
// comment cannot swallow it.
constexpr std::string_view kFrameStart =
    ".[1] as $now | .[0] | {} as $ENV | def env: {}; def now: $now; "
    "def input: error(\"input is not available\"); def inputs: error(\"inputs is not available\"); "
    "def stderr: .; def modulemeta: error(\"modulemeta is not available\"); (";
constexpr std::string_view kFrameEnd = "\n)";
constexpr size_t kMaxDetail = 200;

std::string Shorten(std::string text) {
  if (text.size() > kMaxDetail) text = text.substr(0, kMaxDetail) + "…";
  return text;
}

// Takes ownership of value.
std::string ToText(jv value) {
  if (jv_get_kind(value) == JV_KIND_STRING) {
    std::string text = jv_string_value(value);
    jv_free(value);
    return text;
  }
  jv dumped = jv_dump_string(value, 0);
  std::string text = jv_string_value(dumped);
  jv_free(dumped);
  return text;
}

void CollectMessage(void* data, jv message) {
  // jq's compile messages quote the offending source line after the first line; that line
  // would show the frame, so only the first line is kept.
  std::string text = ToText(message);
  text = text.substr(0, text.find('\n'));
  if (text.ends_with("compile error") || text.ends_with("compile errors")) return;
  // Written for jq's command line; neither part helps in a configuration file.
  for (std::string_view noise : {"jq: error: ", " (Unix shell quoting issues?)"}) {
    if (const auto pos = text.find(noise); pos != std::string::npos) text.erase(pos, noise.size());
  }
  static_cast<std::vector<std::string>*>(data)->push_back(std::move(text));
}

// An expression that ends too early makes jq stumble on the frame's closing parenthesis, on
// the line after the program's last; say so in the program's terms.
std::string AtTheEnd(std::string message, std::string_view program) {
  const auto lines = std::count(program.begin(), program.end(), '\n') + 1;
  const std::string past_end = "line " + std::to_string(lines + 1) + ":";
  if (!message.ends_with(past_end)) return message;
  message.erase(message.size() - past_end.size());
  const std::string_view closing = "unexpected ')'";
  if (const auto pos = message.find(closing); pos != std::string::npos) {
    message.replace(pos, closing.size(), "unexpected end of the expression");
  }
  return message + "at the end";
}

void IgnoreDebugMessage(void*, jv message) { jv_free(message); }

}  // namespace

std::unique_ptr<JqProgram> JqProgram::Compile(std::string_view program, std::string* error) {
  std::unique_ptr<JqProgram> compiled(new JqProgram());
  compiled->jq_ = jq_init();
  if (compiled->jq_ == nullptr) throw std::bad_alloc();
  jq_set_error_cb(compiled->jq_, CollectMessage, &compiled->messages_);
  jq_set_debug_cb(compiled->jq_, IgnoreDebugMessage, nullptr);
  std::string framed;
  framed.append(kFrameStart).append(program).append(kFrameEnd);
  if (jq_compile(compiled->jq_, framed.c_str()) != 0) {
    compiled->messages_.clear();
    return compiled;
  }
  if (error != nullptr) {
    error->clear();
    for (const auto& message : compiled->messages_) {
      *error += (error->empty() ? "" : "; ") + AtTheEnd(message, program);
    }
    if (error->empty()) *error = "does not compile";
  }
  return nullptr;
}

JqProgram::~JqProgram() { jq_teardown(&jq_); }

JqOutcome JqProgram::Run(std::string_view input_json, Timestamp now) {
  const double seconds = std::chrono::duration<double>(now.time_since_epoch()).count();
  std::string framed_input = "[";
  framed_input.append(input_json).append(",").append(std::to_string(seconds)).append("]");
  jv input = jv_parse_sized(framed_input.data(), static_cast<int>(framed_input.size()));
  if (!jv_is_valid(input)) {
    jv message = jv_invalid_get_msg(input);
    return {JqOutcome::Kind::kError, "input is not JSON: " + ToText(message)};
  }
  jq_start(jq_, input, 0);
  jv result = jq_next(jq_);
  if (jq_halted(jq_)) {
    jv_free(result);
    return {JqOutcome::Kind::kError, "the program called halt"};
  }
  if (!jv_is_valid(result)) {
    if (!jv_invalid_has_msg(jv_copy(result))) {
      jv_free(result);
      return {JqOutcome::Kind::kNoOutput, {}};
    }
    return {JqOutcome::Kind::kError, Shorten(ToText(jv_invalid_get_msg(result)))};
  }
  switch (jv_get_kind(result)) {
    case JV_KIND_TRUE:
      jv_free(result);
      return {JqOutcome::Kind::kTrue, {}};
    case JV_KIND_FALSE:
      jv_free(result);
      return {JqOutcome::Kind::kFalse, {}};
    default:
      return {JqOutcome::Kind::kNotBoolean, Shorten(ToText(jv_dump_string(result, 0)))};
  }
}

}  // namespace kdiag
