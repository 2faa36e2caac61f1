// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The IOPulse authors
// `iopulse report`: the real binary turns result files into one HTML page,
// and headless Chromium (Debian package chromium, installed by
// scripts/bootstrap.sh) lays it out, draws every chart and takes a
// screenshot.
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdint>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "json_support.h"
#include "run_support.h"

namespace iopulse::test {
namespace {

constexpr const char* kChromium = "/usr/bin/chromium";
constexpr const char* kTimeout = "/usr/bin/timeout";

std::string fixture(const std::string& name) {
  return std::string(IOPULSE_SOURCE_DIR) + "/tests/fixtures/results/" + name;
}

size_t count(const std::string& haystack, const std::string& needle) {
  size_t n = 0;
  for (size_t pos = haystack.find(needle); pos != std::string::npos;
       pos = haystack.find(needle, pos + needle.size())) {
    ++n;
  }
  return n;
}

// Headless Chromium with everything that could reach the network off.
RunOutcome run_chromium(const ScratchDir& dir, const std::vector<std::string>& args) {
  std::vector<std::string> argv = {kTimeout, "120", kChromium, "--headless", "--no-sandbox",
                                   "--disable-gpu", "--disable-quic", "--no-first-run",
                                   "--disable-background-networking", "--disable-component-update",
                                   "--disable-sync", "--disable-dev-shm-usage", "--hide-scrollbars",
                                   "--user-data-dir=" + dir.file("chromium-profile")};
  argv.insert(argv.end(), args.begin(), args.end());
  return run_command(argv, {"HOME=" + dir.path()});
}

uint32_t big_endian32(const std::string& bytes, size_t at) {
  uint32_t v = 0;
  for (size_t i = 0; i < 4; ++i) v = (v << 8) | static_cast<unsigned char>(bytes[at + i]);
  return v;
}

TEST(HtmlReportCommand, ComparesTwoResultFiles) {
  ScratchDir dir;
  const std::string out = dir.file("compare.html");
  const RunOutcome r = run_iopulse({"report", fixture("io_uring_randrw.json"),
                                    fixture("sync_randrw.json"), "-o", out});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, out + "\n");
  EXPECT_FALSE(exists(out + ".tmp"));
  const std::string page = read_file(out);
  EXPECT_EQ(count(page, "<svg"), 5u);
  EXPECT_EQ(page.find("http://"), std::string::npos);
  EXPECT_EQ(page.find("https://"), std::string::npos);
  EXPECT_NE(page.find("data-series=\"sync_randrw read\""), std::string::npos);
}

TEST(HtmlReportCommand, BadInputIsOneLineWithExitCode2) {
  ScratchDir dir;
  const std::string out = dir.file("o.html");
  {
    FILE* f = fopen(dir.file("text.json").c_str(), "w");
    ASSERT_NE(f, nullptr);
    fputs("iopulse results, but as text\n", f);
    fclose(f);
  }
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{"report", dir.file("missing.json"), "-o", out}, "No such file or directory"},
      {{"report", dir.file("text.json"), "-o", out}, "is not JSON"},
      {{"report", fixture("sync_randrw.json")}, "missing -o OUT.html"},
      {{"report", fixture("sync_randrw.json"), "-o", dir.file("none/o.html")}, "cannot write"},
  };
  for (const auto& [args, expect] : cases) {
    const RunOutcome r = run_iopulse(args);
    EXPECT_EQ(r.exit_code, 2) << args[1];
    EXPECT_TRUE(r.err.starts_with("iopulse: error: ")) << r.err;
    EXPECT_NE(r.err.find(expect), std::string::npos) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  }
  EXPECT_FALSE(exists(out));
}

// End to end: a run writes its results, the report draws them.
TEST(HtmlReportCommand, ReportsWhatARunWrote) {
  ScratchDir dir;
  const std::string results = dir.file("run.json");
  const RunOutcome run = run_iopulse({dir.file("target"), "--engine", "null", "--file-size", "64M",
                                      "--read-percent", "70", "--random", "--queue-depth", "4",
                                      "--duration", "1s", "--stats-interval", "200ms", "--heatmap",
                                      "--json-output", results, "-q"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const std::string out = dir.file("run.html");
  const RunOutcome r = run_iopulse({"report", results, "-o", out});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string page = read_file(out);
  const nlohmann::json doc = read_json(results);
  EXPECT_NE(page.find("id=\"chart-iops\""), std::string::npos);
  EXPECT_NE(page.find("data-series=\"run read\""), std::string::npos);
  EXPECT_NE(page.find("data-series=\"run write\""), std::string::npos);
  EXPECT_EQ(page.find("No time series"), std::string::npos);
  ASSERT_TRUE(doc.contains("heatmap"));
  EXPECT_NE(page.find("id=\"chart-heatmap-0\""), std::string::npos);
  EXPECT_NE(page.find(">" + std::to_string(doc["timeseries"].size()) + " intervals of 200 ms<"),
            std::string::npos);
}

TEST(HtmlReportChromium, DrawsEveryChartAndTakesAScreenshot) {
  if (!exists(kChromium) || !exists(kTimeout)) {
    GTEST_SKIP() << kChromium << " is not installed (apt-get install chromium, or run "
                 << "scripts/bootstrap.sh); the report cannot be rendered";
  }
  ScratchDir dir;
  const std::string html = dir.file("report.html");
  const RunOutcome r = run_iopulse({"report", fixture("io_uring_randrw.json"),
                                    fixture("sync_randrw.json"),
                                    fixture("io_uring_zipf_heatmap.json"), "-o", html});
  ASSERT_EQ(r.exit_code, 0) << r.err;

  // 1. Laid out by the browser, every chart has a size and every series a
  //    drawn path: a copy of the page measures itself and writes the result
  //    into the DOM, which Chromium dumps.
  std::string page = read_file(html);
  const std::string probe =
      "<pre id=\"probe\"><script>(function(){var out=[];"
      "document.querySelectorAll('svg.chart').forEach(function(svg){"
      "var box=svg.getBoundingClientRect(),drawn=0,n=0;"
      "svg.querySelectorAll('path.series').forEach(function(p){n++;"
      "var b=p.getBBox();if(b.width>1&&(b.height>0||p.getTotalLength()>1))drawn++;});"
      "out.push(svg.id+' '+Math.round(box.width)+'x'+Math.round(box.height)+' '+drawn+'/'+n);});"
      "document.getElementById('probe').textContent=out.join(';');})();</script></pre>";
  const size_t body_end = page.rfind("</body>");
  ASSERT_NE(body_end, std::string::npos);
  page.insert(body_end, probe);
  const std::string probed = dir.file("probed.html");
  {
    FILE* f = fopen(probed.c_str(), "w");
    ASSERT_NE(f, nullptr);
    fwrite(page.data(), 1, page.size(), f);
    fclose(f);
  }
  const RunOutcome dom = run_chromium(dir, {"--window-size=1280,2400", "--dump-dom", "file://" + probed});
  ASSERT_EQ(dom.exit_code, 0) << dom.err;
  const size_t at = dom.out.find("<pre id=\"probe\">");
  ASSERT_NE(at, std::string::npos) << "no DOM from Chromium: " << dom.err;
  const std::string measured = dom.out.substr(at + 16, dom.out.find('<', at + 16) - at - 16);
  // chart id, rendered size, series drawn / series
  const std::vector<std::string> expected = {"chart-iops", "chart-bandwidth", "chart-latency-read",
                                             "chart-latency-write", "chart-histogram",
                                             "chart-heatmap-2"};
  for (const std::string& id : expected) {
    const size_t pos = measured.find(id + " ");
    ASSERT_NE(pos, std::string::npos) << id << " missing in: " << measured;
    const std::string entry = measured.substr(pos, measured.find(';', pos) - pos);
    int width = 0, height = 0, drawn = 0, total = 0;
    ASSERT_EQ(sscanf(entry.c_str() + id.size(), " %dx%d %d/%d", &width, &height, &drawn, &total), 4)
        << entry;
    EXPECT_GT(width, 400) << entry;
    EXPECT_GT(height, 150) << entry;
    EXPECT_GT(total, 0) << entry;
    EXPECT_EQ(drawn, total) << entry;
  }

  // 2. The screenshot: a PNG of the window size, and not an empty page.
  const std::string png = dir.file("report.png");
  const RunOutcome shot =
      run_chromium(dir, {"--window-size=1280,2400", "--screenshot=" + png, "file://" + html});
  ASSERT_EQ(shot.exit_code, 0) << shot.err;
  ASSERT_TRUE(exists(png)) << shot.err;
  const std::string bytes = read_file(png);
  ASSERT_GT(bytes.size(), 33u);
  EXPECT_EQ(bytes.substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8));
  EXPECT_EQ(bytes.substr(12, 4), "IHDR");
  EXPECT_EQ(big_endian32(bytes, 16), 1280u);
  EXPECT_EQ(big_endian32(bytes, 20), 2400u);
  // A page of one color compresses to about 10 KB at this size; charts and
  // tables take far more.
  EXPECT_GT(bytes.size(), 20u * 1024) << "the screenshot looks blank";
}

}  // namespace
}  // namespace iopulse::test
