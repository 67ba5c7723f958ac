// The platform commands of the command line: `gridroute db ...` and `gridroute worker ...`
// (docs/platform.md). Each takes its own argv: argv[0] is the command's name ("db", "worker").
#pragma once

int cmd_db(int argc, char** argv);
int cmd_worker(int argc, char** argv);
