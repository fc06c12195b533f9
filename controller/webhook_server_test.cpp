// The admission webhook server over real TLS on loopback, with certificates made by the test.
#include "controller/webhook_server.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>
#include <prometheus/text_serializer.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace kdiag {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Pair;

struct Pem {
  std::string cert;
  std::string key;
};

// A self-signed certificate for 127.0.0.1, usable as its own trust anchor.
Pem SelfSigned(const std::string& common_name) {
  static long serial = 1;
  EVP_PKEY* key = EVP_EC_gen("P-256");
  X509* cert = X509_new();
  X509_set_version(cert, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert), serial++);
  X509_gmtime_adj(X509_getm_notBefore(cert), -60);
  X509_gmtime_adj(X509_getm_notAfter(cert), 3600);
  X509_set_pubkey(cert, key);
  X509_NAME* name = X509_get_subject_name(cert);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>(common_name.c_str()), -1, -1,
                             0);
  X509_set_issuer_name(cert, name);
  X509V3_CTX context;
  X509V3_set_ctx_nodb(&context);
  X509V3_set_ctx(&context, cert, cert, nullptr, nullptr, 0);
  for (const auto& [nid, value] : {std::pair{NID_subject_alt_name, "IP:127.0.0.1"},
                                   std::pair{NID_basic_constraints, "critical,CA:TRUE"}}) {
    X509_EXTENSION* extension = X509V3_EXT_conf_nid(nullptr, &context, nid, value);
    X509_add_ext(cert, extension, -1);
    X509_EXTENSION_free(extension);
  }
  X509_sign(cert, key, EVP_sha256());
  Pem pem;
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_X509(bio, cert);
  char* data = nullptr;
  pem.cert.assign(data, BIO_get_mem_data(bio, &data));
  BIO_free(bio);
  bio = BIO_new(BIO_s_mem());
  PEM_write_bio_PrivateKey(bio, key, nullptr, nullptr, 0, nullptr, nullptr);
  pem.key.assign(data, BIO_get_mem_data(bio, &data));
  BIO_free(bio);
  X509_free(cert);
  EVP_PKEY_free(key);
  return pem;
}

void WriteFile(const std::filesystem::path& path, const std::string& text) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
}

std::string Review(const std::string& uid = "705ab4f5-6393-11e8-b7cc-42010a800002") {
  auto review = nlohmann::json::parse(R"({
    "kind": "AdmissionReview", "apiVersion": "admission.k8s.io/v1",
    "request": {
      "uid": "UID",
      "kind": {"group": "kdiag.dev", "version": "v1alpha1", "kind": "TroubleshootSession"},
      "resource": {"group": "kdiag.dev", "version": "v1alpha1", "resource": "troubleshootsessions"},
      "requestKind": {"group": "kdiag.dev", "version": "v1alpha1", "kind": "TroubleshootSession"},
      "requestResource": {"group": "kdiag.dev", "version": "v1alpha1", "resource": "troubleshootsessions"},
      "name": "net-debug", "namespace": "shop", "operation": "CREATE",
      "userInfo": {"username": "alice", "uid": "b1a5", "groups": ["devs", "system:authenticated"],
                   "extra": {"scopes.example.com": ["read", "write"]}},
      "object": {"apiVersion": "kdiag.dev/v1alpha1", "kind": "TroubleshootSession",
                 "metadata": {"name": "net-debug", "namespace": "shop"}, "spec": {"ttl": "30m"}},
      "oldObject": null, "dryRun": true,
      "options": {"apiVersion": "meta.k8s.io/v1", "kind": "CreateOptions"}
    }
  })");
  review["request"]["uid"] = uid;
  return review.dump();
}

class WebhookServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("kdiag-webhook-test-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
    first_ = SelfSigned("first");
    Install(first_);
    WriteFile(dir_ / "first.crt", first_.cert);
  }
  void TearDown() override {
    server_.reset();
    std::filesystem::remove_all(dir_);
  }

  void Install(const Pem& pem) {
    WriteFile(dir_ / "tls.crt", pem.cert);
    WriteFile(dir_ / "tls.key", pem.key);
  }

  WebhookServer& Start(Duration check_interval = std::chrono::seconds(10)) {
    server_ = std::make_unique<WebhookServer>(WebhookServerOptions{
        .address = "127.0.0.1:0",
        .certFile = (dir_ / "tls.crt").string(),
        .keyFile = (dir_ / "tls.key").string(),
        .certCheckInterval = check_interval,
        .registry = &registry_,
    });
    server_->Handle("/allow", [this](const AdmissionRequest& request) {
      seen_ = request;
      return AdmissionResponse::Patch(nlohmann::json::parse(
          R"([{"op":"add","path":"/metadata/annotations","value":{"kdiag.dev/owner":"alice"}}])"));
    });
    server_->Handle("/deny", [](const AdmissionRequest&) {
      return AdmissionResponse::Deny(422, "spec.image: not on the allow-list");
    });
    server_->Handle("/throw", [](const AdmissionRequest&) -> AdmissionResponse {
      throw std::runtime_error("boom");
    });
    server_->Start();
    return *server_;
  }

  // A client trusting only the certificate in ca_file.
  httplib::Result Post(const std::string& path, const std::string& body,
                       const std::string& ca_file = "") {
    httplib::SSLClient client("127.0.0.1", server_->port());
    client.set_ca_cert_path(ca_file.empty() ? (dir_ / "first.crt").string() : ca_file);
    client.enable_server_certificate_verification(true);
    client.set_connection_timeout(2, 0);
    return client.Post(path.c_str(), body, "application/json");
  }

  nlohmann::json Response(const std::string& path, const std::string& body = Review()) {
    auto result = Post(path, body);
    if (!result) {
      ADD_FAILURE() << "no response: " << httplib::to_string(result.error());
      return nullptr;
    }
    EXPECT_EQ(result->status, 200) << result->body;
    EXPECT_EQ(result->get_header_value("Content-Type"), "application/json");
    return nlohmann::json::parse(result->body);
  }

  std::string Metrics() { return prometheus::TextSerializer().Serialize(registry_.Collect()); }

  std::filesystem::path dir_;
  Pem first_;
  prometheus::Registry registry_;
  std::optional<AdmissionRequest> seen_;
  std::unique_ptr<WebhookServer> server_;
};

TEST_F(WebhookServerTest, HandsTheParsedRequestToItsHandler) {
  Start();
  const auto review = Response("/allow");
  ASSERT_TRUE(seen_);
  EXPECT_EQ(seen_->uid, "705ab4f5-6393-11e8-b7cc-42010a800002");
  EXPECT_EQ(seen_->kind.kind, "TroubleshootSession");
  EXPECT_EQ(seen_->resource.resource, "troubleshootsessions");
  EXPECT_EQ(seen_->resource.group, "kdiag.dev");
  EXPECT_EQ(seen_->operation, "CREATE");
  EXPECT_EQ(seen_->ns, "shop");
  EXPECT_EQ(seen_->name, "net-debug");
  EXPECT_EQ(seen_->userInfo.username, "alice");
  EXPECT_EQ(seen_->userInfo.uid, "b1a5");
  EXPECT_THAT(seen_->userInfo.groups, ElementsAre("devs", "system:authenticated"));
  EXPECT_THAT(seen_->userInfo.extra,
              ElementsAre(Pair("scopes.example.com", ElementsAre("read", "write"))));
  EXPECT_EQ(seen_->object["spec"]["ttl"], "30m");
  EXPECT_TRUE(seen_->oldObject.is_null());
  EXPECT_TRUE(seen_->dryRun);
  EXPECT_EQ(review["apiVersion"], "admission.k8s.io/v1");
  EXPECT_EQ(review["kind"], "AdmissionReview");
  EXPECT_EQ(review["response"]["uid"], "705ab4f5-6393-11e8-b7cc-42010a800002");
  EXPECT_EQ(review["response"]["allowed"], true);
}

TEST_F(WebhookServerTest, SendsThePatchAsBase64JsonPatch) {
  Start();
  const auto response = Response("/allow")["response"];
  EXPECT_EQ(response["patchType"], "JSONPatch");
  // base64 of the patch's JSON, padded.
  const std::string encoded = response["patch"];
  std::string decoded(encoded.size(), '\0');
  const int size = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(decoded.data()),
                                   reinterpret_cast<const unsigned char*>(encoded.data()),
                                   static_cast<int>(encoded.size()));
  ASSERT_GT(size, 0);
  decoded.resize(static_cast<size_t>(size));
  while (!decoded.empty() && decoded.back() == '\0') decoded.pop_back();  // the padding
  EXPECT_EQ(nlohmann::json::parse(decoded),
            nlohmann::json::parse(R"([{"op":"add","path":"/metadata/annotations",)"
                                  R"("value":{"kdiag.dev/owner":"alice"}}])"));
}

TEST_F(WebhookServerTest, SendsADenialWithCodeReasonAndMessage) {
  Start();
  const auto response = Response("/deny")["response"];
  EXPECT_EQ(response["allowed"], false);
  EXPECT_EQ(response["status"]["code"], 422);
  EXPECT_EQ(response["status"]["reason"], "Invalid");
  EXPECT_EQ(response["status"]["message"], "spec.image: not on the allow-list");
  EXPECT_FALSE(response.contains("patch"));
}

TEST_F(WebhookServerTest, AnswersMalformedRequestsWith400) {
  Start();
  for (const auto& [body, reason] : std::vector<std::pair<std::string, std::string>>{
           {"{not json", "the body is not JSON"},
           {"[1, 2]", "the body is not a JSON object"},
           {R"({"kind":"AdmissionReview","apiVersion":"admission.k8s.io/v1beta1","request":{}})",
            "expected an AdmissionReview of admission.k8s.io/v1, got kind 'AdmissionReview' of "
            "apiVersion 'admission.k8s.io/v1beta1'"},
           {R"({"kind":"AdmissionReview","apiVersion":"admission.k8s.io/v1"})",
            "the AdmissionReview has no request"},
           {Review(""), "request.uid is missing"},
           {Review(), ""},  // well-formed: the control case
       }) {
    auto result = Post("/allow", body);
    ASSERT_TRUE(result) << body;
    if (reason.empty()) {
      EXPECT_EQ(result->status, 200);
      continue;
    }
    EXPECT_EQ(result->status, 400) << body;
    EXPECT_THAT(result->body, HasSubstr(reason));
  }
  auto wrong_type = nlohmann::json::parse(Review());
  wrong_type["request"]["userInfo"]["groups"] = "devs";
  auto result = Post("/allow", wrong_type.dump());
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 400);
  EXPECT_THAT(result->body, HasSubstr("request.userInfo.groups must be a list of strings"));
  EXPECT_THAT(Metrics(),
              HasSubstr(R"(kdiag_webhook_requests_total{result="error",webhook="/allow"} 6)"));
}

TEST_F(WebhookServerTest, DeniesWhenTheHandlerThrows) {
  Start();
  const auto response = Response("/throw")["response"];
  EXPECT_EQ(response["allowed"], false);
  EXPECT_EQ(response["status"]["code"], 500);
  EXPECT_THAT(response["status"]["message"].get<std::string>(), HasSubstr("boom"));
  // The server goes on serving.
  EXPECT_EQ(Response("/allow")["response"]["allowed"], true);
}

TEST_F(WebhookServerTest, CountsRequestsByPathAndResult) {
  Start();
  Response("/allow");
  Response("/allow");
  Response("/deny");
  Response("/throw");
  const auto metrics = Metrics();
  EXPECT_THAT(metrics,
              HasSubstr(R"(kdiag_webhook_requests_total{result="allowed",webhook="/allow"} 2)"));
  EXPECT_THAT(metrics,
              HasSubstr(R"(kdiag_webhook_requests_total{result="denied",webhook="/deny"} 1)"));
  EXPECT_THAT(metrics,
              HasSubstr(R"(kdiag_webhook_requests_total{result="error",webhook="/throw"} 1)"));
  EXPECT_THAT(metrics,
              HasSubstr(R"(kdiag_webhook_request_duration_seconds_count{webhook="/allow"} 2)"));
}

TEST_F(WebhookServerTest, KnowsOnlyItsPaths) {
  Start();
  auto result = Post("/allow/extra", Review());
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 404);
  result = Post("/", Review());
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 404);
}

TEST_F(WebhookServerTest, ServesARotatedCertificateWithoutRestart) {
  Start(Duration::zero());  // look at the files on every connection
  ASSERT_TRUE(Post("/allow", Review()));

  const Pem second = SelfSigned("second");
  WriteFile(dir_ / "second.crt", second.cert);
  Install(second);
  EXPECT_FALSE(Post("/allow", Review(), (dir_ / "first.crt").string()))
      << "still serving the first certificate";
  auto result = Post("/allow", Review(), (dir_ / "second.crt").string());
  ASSERT_TRUE(result) << httplib::to_string(result.error());
  EXPECT_EQ(result->status, 200);

  // A half-written pair (a key that does not match) or garbage: the last good pair stays.
  WriteFile(dir_ / "tls.key", first_.key);
  EXPECT_TRUE(Post("/allow", Review(), (dir_ / "second.crt").string()));
  WriteFile(dir_ / "tls.crt", "garbage");
  EXPECT_TRUE(Post("/allow", Review(), (dir_ / "second.crt").string()));
  std::filesystem::remove(dir_ / "tls.crt");
  EXPECT_TRUE(Post("/allow", Review(), (dir_ / "second.crt").string()));
}

TEST_F(WebhookServerTest, LooksAtTheFilesOnlyOncePerInterval) {
  Start(std::chrono::hours(1));
  Install(SelfSigned("second"));
  EXPECT_TRUE(Post("/allow", Review(), (dir_ / "first.crt").string()));
}

TEST_F(WebhookServerTest, SpeaksTls12AndNothingOlder) {
  Start();
  for (const auto& [version, works] :
       {std::pair{TLS1_2_VERSION, true}, std::pair{TLS1_1_VERSION, false}}) {
    httplib::SSLClient client("127.0.0.1", server_->port());
    client.enable_server_certificate_verification(false);
    SSL_CTX_set_security_level(client.ssl_context(), 0);  // let the client offer TLS 1.1
    SSL_CTX_set_min_proto_version(client.ssl_context(), version);
    SSL_CTX_set_max_proto_version(client.ssl_context(), version);
    EXPECT_EQ(static_cast<bool>(client.Post("/allow", Review(), "application/json")), works)
        << "TLS version " << version;
  }
}

TEST_F(WebhookServerTest, RefusesToStartWithoutAUsableCertificate) {
  const auto start_with = [this](const std::string& cert, const std::string& key) {
    try {
      WebhookServer server({.address = "127.0.0.1:0", .certFile = cert, .keyFile = key});
    } catch (const std::runtime_error& e) {
      return std::string(e.what());
    }
    return std::string("started");
  };
  const std::string cert = (dir_ / "tls.crt").string();
  const std::string key = (dir_ / "tls.key").string();
  EXPECT_EQ(start_with(cert, key), "started");
  EXPECT_THAT(start_with((dir_ / "missing.crt").string(), key),
              HasSubstr("cannot read the TLS certificate file " + (dir_ / "missing.crt").string() +
                        ": No such file or directory"));
  EXPECT_THAT(start_with(cert, (dir_ / "missing.key").string()),
              HasSubstr("cannot read the TLS key file " + (dir_ / "missing.key").string()));
  WriteFile(dir_ / "other.key", SelfSigned("other").key);
  EXPECT_THAT(start_with(cert, (dir_ / "other.key").string()),
              HasSubstr("the key in " + (dir_ / "other.key").string() +
                        " does not belong to the certificate in " + cert));
  EXPECT_THAT(start_with(key, key), HasSubstr("holds no PEM certificate"));
  EXPECT_THAT(start_with(cert, cert), HasSubstr("holds no PEM private key"));
}

TEST(AdmissionReview, ParsesAnUpdateWithItsOldObject) {
  auto review = nlohmann::json::parse(Review());
  review["request"]["operation"] = "UPDATE";
  review["request"]["oldObject"] = {{"metadata", {{"name", "net-debug"}}}};
  review["request"].erase("dryRun");
  const auto request = ParseAdmissionReview(review.dump());
  ASSERT_TRUE(request) << request.error();
  EXPECT_EQ(request->operation, "UPDATE");
  EXPECT_EQ(request->oldObject["metadata"]["name"], "net-debug");
  EXPECT_FALSE(request->dryRun);

  review["request"]["operation"] = "PATCH";
  EXPECT_EQ(ParseAdmissionReview(review.dump()).error(),
            "request.operation 'PATCH' is not one of CREATE, UPDATE, DELETE, CONNECT");
  review["request"]["operation"] = "UPDATE";
  review["request"]["object"] = "text";
  EXPECT_EQ(ParseAdmissionReview(review.dump()).error(), "request.object must be an object");
}

TEST(AdmissionReview, AnswersWithoutAPatchWhenThereIsNone) {
  const auto allowed = AdmissionReviewResponse("u1", AdmissionResponse::Allow());
  EXPECT_EQ(allowed.dump(), R"({"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview",)"
                            R"("response":{"allowed":true,"uid":"u1"}})");
  const auto denied = AdmissionReviewResponse("u2", AdmissionResponse::Deny(503, "starting"));
  EXPECT_EQ(
      denied["response"]["status"],
      nlohmann::json::parse(R"({"code":503,"reason":"ServiceUnavailable","message":"starting"})"));
}

}  // namespace
}  // namespace kdiag
