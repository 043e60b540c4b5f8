#pragma once
// `talentbot report`: the half-yearly department report on stdout, read from the running
// server's Redis (the same figures as GET /api/v1/reports/departments).
#include <iosfwd>

namespace talentbot::bot {

// argv[1] is "report". Exit codes: 0 printed, 2 bad arguments or config (one line on `err`),
// 1 the data could not be read (Redis, knowledge base, holiday calendar).
int run_report_command(int argc, char* argv[], std::ostream& out, std::ostream& err);

}  // namespace talentbot::bot
