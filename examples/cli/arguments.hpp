// Command-line parsing shared by the `earshot` subcommands: walks `--name value`,
// `--name=value` and positional arguments, and turns numbers into values with a one-line error
// for anything that is not exactly a number in range (no silent "12abc" -> 12).
#pragma once

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <string>

namespace earshot::cli {

class ArgumentCursor {
 public:
  // argv[0] is the subcommand's name and is skipped.
  ArgumentCursor(int argc, char** argv) : argc_(argc), argv_(argv) {}

  // Moves to the next argument; false when none is left. Splits `--name=value`.
  bool next() {
    if (index_ + 1 >= argc_) return false;
    const std::string argument = argv_[++index_];
    inline_value_.clear();
    has_inline_value_ = false;
    const std::size_t equals = argument.find('=');
    if (argument.rfind("--", 0) == 0 && equals != std::string::npos) {
      name_ = argument.substr(0, equals);
      inline_value_ = argument.substr(equals + 1);
      has_inline_value_ = true;
    } else {
      name_ = argument;
    }
    return true;
  }

  const std::string& name() const { return name_; }
  bool is_option() const { return name_.size() > 1 && name_[0] == '-'; }
  bool has_inline_value() const { return has_inline_value_; }

  // The option's value (`--name=value` or the following argument). On a missing value returns
  // false and sets error.
  bool value(std::string& out, std::string& error) {
    if (has_inline_value_) {
      out = inline_value_;
      return true;
    }
    if (index_ + 1 >= argc_) {
      error = "missing value for " + name_;
      return false;
    }
    out = argv_[++index_];
    return true;
  }

 private:
  int argc_;
  char** argv_;
  int index_ = 0;
  std::string name_;
  std::string inline_value_;
  bool has_inline_value_ = false;
};

// A whole-string decimal integer in [minimum, maximum].
inline bool parse_integer(const std::string& text, const std::string& option, long minimum,
                          long maximum, long& out, std::string& error) {
  errno = 0;
  char* end = nullptr;
  const long value = std::strtol(text.c_str(), &end, 10);
  if (text.empty() || *end != '\0' || errno == ERANGE) {
    error = option + " expects an integer, got '" + text + "'";
    return false;
  }
  if (value < minimum || value > maximum) {
    error = option +
            (value < minimum ? " must be at least " + std::to_string(minimum)
                             : " must be at most " + std::to_string(maximum)) +
            ", got " + text;
    return false;
  }
  out = value;
  return true;
}

// A whole-string finite decimal number.
inline bool parse_number(const std::string& text, const std::string& option, double& out,
                         std::string& error) {
  errno = 0;
  char* end = nullptr;
  const double value = std::strtod(text.c_str(), &end);
  if (text.empty() || *end != '\0' || errno == ERANGE || !std::isfinite(value)) {
    error = option + " expects a finite number, got '" + text + "'";
    return false;
  }
  out = value;
  return true;
}

}  // namespace earshot::cli
