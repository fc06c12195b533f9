#include "checks/redaction.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <string_view>

namespace kdiag {
namespace {

constexpr std::string_view kMask = "[REDACTED]";
constexpr std::string_view kCutMarker = "[...]\n";
// Blobs this long are far more often keys, tokens or certificates than words.
constexpr size_t kMinBlobLength = 32;

bool IsAsciiAlnum(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; }
char Lower(char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); }

// Length of the valid UTF-8 sequence starting at text[i], or 0 when it is not one.
size_t Utf8SequenceLength(std::string_view text, size_t i) {
  const auto lead = static_cast<unsigned char>(text[i]);
  size_t length = 0;
  if (lead < 0x80) return 1;
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
  } else {
    return 0;
  }
  if (i + length > text.size()) return 0;
  for (size_t k = 1; k < length; ++k) {
    if ((static_cast<unsigned char>(text[i + k]) & 0xC0) != 0x80) return 0;
  }
  return length;
}

// Findings are serialized as JSON, which needs valid UTF-8; terminal control sequences are
// noise in a report.
std::string SanitizeText(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    const size_t length = Utf8SequenceLength(text, i);
    if (length == 0) {
      out += '?';
      ++i;
      continue;
    }
    const char c = text[i];
    if (length == 1 && std::iscntrl(static_cast<unsigned char>(c)) && c != '\n' && c != '\t') {
      if (c != '\r') out += ' ';
    } else {
      out.append(text.substr(i, length));
    }
    i += length;
  }
  return out;
}

std::string Lowered(std::string_view text) {
  std::string lower(text);
  std::transform(lower.begin(), lower.end(), lower.begin(), Lower);
  return lower;
}

bool IsSensitiveKey(std::string_view key) {
  static constexpr std::array<std::string_view, 11> kWords = {
      "password", "passwd",     "token",       "secret",        "api_key",   "apikey",
      "api-key",  "access_key", "private_key", "authorization", "credential"};
  const std::string lower = Lowered(key);
  return std::any_of(kWords.begin(), kWords.end(),
                     [&](std::string_view word) { return lower.find(word) != std::string::npos; });
}

bool IsKeyChar(char c) { return IsAsciiAlnum(c) || c == '_' || c == '-' || c == '.'; }

bool EndsValue(char c) {
  return std::isspace(static_cast<unsigned char>(c)) || c == ',' || c == ';' || c == '&' ||
         c == '"' || c == '\'' || c == '}' || c == ')' || c == ']';
}

// key=value, key: value, "key": "value": the value is masked when the key names a secret. An
// Authorization header's value is masked to the end of the line, scheme and credentials alike.
std::string MaskKeyValues(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  size_t copied = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '=' && text[i] != ':') continue;
    size_t key_end = i;
    while (key_end > copied && text[key_end - 1] == ' ') --key_end;
    if (key_end > copied && (text[key_end - 1] == '"' || text[key_end - 1] == '\'')) --key_end;
    size_t key_begin = key_end;
    while (key_begin > copied && IsKeyChar(text[key_begin - 1])) --key_begin;
    const std::string_view key = text.substr(key_begin, key_end - key_begin);
    if (key.empty() || !IsSensitiveKey(key)) continue;

    size_t value_begin = i + 1;
    while (value_begin < text.size() && text[value_begin] == ' ') ++value_begin;
    char quote = 0;
    if (value_begin < text.size() && (text[value_begin] == '"' || text[value_begin] == '\'')) {
      quote = text[value_begin++];
    }
    size_t value_end = value_begin;
    const bool whole_line = Lowered(key).ends_with("authorization");
    while (value_end < text.size() && text[value_end] != '\n' &&
           (quote ? text[value_end] != quote : (whole_line || !EndsValue(text[value_end])))) {
      ++value_end;
    }
    if (value_end == value_begin) continue;
    out.append(text.substr(copied, value_begin - copied));
    out.append(kMask);
    copied = value_end;
    i = value_end - 1;
  }
  out.append(text.substr(copied));
  return out;
}

// "Bearer <token>" wherever it appears, header or not.
std::string MaskBearerTokens(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  size_t copied = 0;
  for (size_t i = 0; i + 7 <= text.size(); ++i) {
    if (Lowered(text.substr(i, 7)) != "bearer ") continue;
    if (i > 0 && IsAsciiAlnum(text[i - 1])) continue;
    size_t begin = i + 7;
    while (begin < text.size() && text[begin] == ' ') ++begin;
    size_t end = begin;
    while (end < text.size() && !EndsValue(text[end])) ++end;
    if (end == begin || text.substr(begin, end - begin) == kMask) continue;
    out.append(text.substr(copied, begin - copied));
    out.append(kMask);
    copied = end;
    i = end - 1;
  }
  out.append(text.substr(copied));
  return out;
}

bool IsBlobChar(char c) {
  return IsAsciiAlnum(c) || c == '+' || c == '/' || c == '=' || c == '_' || c == '-';
}

// An AWS access key id (AKIA/ASIA + 16 upper-case letters or digits), or a long run of base64
// or hex: mixed-case letters with digits, or hex only.
bool IsSecretLooking(std::string_view run) {
  if (run.size() == 20 && (run.starts_with("AKIA") || run.starts_with("ASIA")) &&
      std::all_of(run.begin(), run.end(), [](char c) {
        const auto u = static_cast<unsigned char>(c);
        return std::isupper(u) || std::isdigit(u);
      })) {
    return true;
  }
  if (run.size() < kMinBlobLength) return false;
  if (std::all_of(run.begin(), run.end(),
                  [](char c) { return std::isxdigit(static_cast<unsigned char>(c)); })) {
    return true;
  }
  bool digit = false;
  bool upper = false;
  bool lower = false;
  for (const char c : run) {
    const auto u = static_cast<unsigned char>(c);
    digit = digit || std::isdigit(u);
    upper = upper || std::isupper(u);
    lower = lower || std::islower(u);
  }
  return digit && upper && lower;
}

std::string MaskBlobs(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    if (!IsBlobChar(text[i])) {
      out += text[i++];
      continue;
    }
    size_t end = i;
    while (end < text.size() && IsBlobChar(text[end])) ++end;
    const auto run = text.substr(i, end - i);
    if (IsSecretLooking(run)) {
      out.append(kMask);
    } else {
      out.append(run);
    }
    i = end;
  }
  return out;
}

// The last whole lines fitting in the limit; a single longer line keeps its end.
std::string KeepTail(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  if (text.size() <= kLogTailLimit) return text;
  const size_t room = kLogTailLimit - kCutMarker.size();
  size_t begin = text.size() - room;
  if (const size_t newline = text.find('\n', begin); newline != std::string::npos) {
    begin = newline + 1;
  } else {
    while (begin < text.size() && (static_cast<unsigned char>(text[begin]) & 0xC0) == 0x80) {
      ++begin;
    }
  }
  return std::string(kCutMarker) + text.substr(begin);
}

}  // namespace

std::string RedactLogTail(const std::string& text) {
  std::string masked = MaskKeyValues(SanitizeText(text));
  masked = MaskBearerTokens(masked);
  masked = MaskBlobs(masked);
  return KeepTail(std::move(masked));
}

}  // namespace kdiag
