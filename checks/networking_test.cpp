#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "checks/check_test_support.h"

namespace kdiag {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

class NetworkingChecksTest : public CheckAreaTest {
 protected:
  std::vector<Finding> Run() { return CheckAreaTest::Run(NetworkingChecks(Options())); }
};

TEST_F(NetworkingChecksTest, AYoungServiceThatNoWorkloadSelectsIsReportedAtOnce) {
  // The selector has a typo: no pod, and no workload's template, will ever match it.
  view.AddAll(LoadFixture("networking/services.json"));
  const auto findings = Run();
  EXPECT_EQ(Only(findings, "KD3001", "promo").code, "KD3001");
}

TEST_F(NetworkingChecksTest, ServicesWithoutPodsReadyEndpointsOrTargetPorts) {
  // Healthy: web; search (a container declares no ports, so an undeclared number may be
  // right); legacy-db (ExternalName); billing-db (no selector); reports (scaled to zero);
  // promo (created a minute ago with the Deployment whose pods it selects); reviews (its pods
  // started a minute ago).
  view.AddAll(LoadFixture("networking/services.json"));
  view.Add(nlohmann::json::parse(R"({"apiVersion": "apps/v1", "kind": "Deployment",
    "metadata": {"name": "promo", "namespace": "shop", "uid": "5c0e8a51-0d3e-4c58-9a53-2f0b1c7d9e41",
                 "generation": 1, "creationTimestamp": "2026-11-23T09:59:00Z"},
    "spec": {"replicas": 2, "selector": {"matchLabels": {"app": "promo"}},
             "template": {"metadata": {"labels": {"app": "promo"}},
                          "spec": {"containers": [{"name": "promo", "image": "registry.example/promo:1.0"}]}}},
    "status": {"observedGeneration": 1}})"));
  const auto findings = Run();
  EXPECT_THAT(Keys(findings),
              ElementsAre("KD3001 Service/shop/orders", "KD3002 Service/shop/payments",
                          "KD3003 Service/shop/catalog", "KD3003 Service/shop/inventory"));

  const auto& no_pods = Only(findings, "KD3001", "orders");
  EXPECT_EQ(no_pods.message,
            "Service orders selects no pods: no pod in shop has labels app=orders");
  EXPECT_THAT(no_pods.nextSteps, Contains("kubectl -n shop get pods --show-labels"));

  const auto& not_ready = Only(findings, "KD3002", "payments");
  EXPECT_EQ(not_ready.severity, Severity::kCritical);
  EXPECT_EQ(not_ready.message, "Service payments selects 2 pods but has no ready endpoint");
  EXPECT_THAT(not_ready.evidence, Contains("EndpointSlice payments-v9c8x: 0 of 2 endpoints ready"));
  EXPECT_THAT(not_ready.evidence,
              Contains(HasSubstr("pod payments-7d8e9f6a5-r5t6y not Ready for 1h")));
  EXPECT_THAT(
      not_ready.nextSteps,
      ElementsAre("kubectl -n shop get endpointslices -l kubernetes.io/service-name=payments",
                  "kubectl -n shop get pods -l app=payments",
                  "kubectl -n shop describe pod payments-7d8e9f6a5-r5t6y"));

  EXPECT_EQ(Only(findings, "KD3003", "inventory").message,
            "Service inventory: targetPort grpc (TCP) of port 9000 is declared by none of the 1 "
            "selected pods");
  EXPECT_THAT(Only(findings, "KD3003", "catalog").evidence,
              ElementsAre("targetPort 9090 (TCP) of port 80 is declared by none of the 1 selected "
                          "pods"));
}

TEST_F(NetworkingChecksTest, WithoutEndpointSlicesTheEndpointsObjectsTell) {
  view.AddAll(LoadFixture("networking/endpoints.json"));
  const auto findings = Run();
  EXPECT_THAT(Keys(findings), ElementsAre("KD3002 Service/shop/payments"));
  EXPECT_THAT(findings[0].evidence, Contains("Endpoints payments: 0 of 2 addresses ready"));
}

TEST_F(NetworkingChecksTest, IngressBackendsTlsAndClasses) {
  // Healthy: storefront; default-class (no class, nginx is the default); legacy-class (the
  // kubernetes.io/ingress.class annotation); fresh-cert (cert-manager issuing since a minute).
  view.AddAll(LoadFixture("networking/ingresses.json"));
  const auto findings = Run();
  EXPECT_THAT(Keys(findings),
              ElementsAre("KD3010 Ingress/shop/checkout", "KD3011 Ingress/shop/checkout",
                          "KD3011 Ingress/shop/grpc", "KD3012 Ingress/shop/admin",
                          "KD3013 Ingress/shop/traefik-app"));

  const auto& missing_service = Only(findings, "KD3010", "checkout");
  EXPECT_EQ(missing_service.message, "Ingress checkout: backend Service checkout does not exist");
  EXPECT_THAT(missing_service.nextSteps, Contains("kubectl -n shop get service checkout"));
  // The same missing port on two paths is one line.
  EXPECT_THAT(Only(findings, "KD3011", "checkout").evidence,
              ElementsAre("backend Service web has no port 8443"));
  EXPECT_THAT(Only(findings, "KD3011", "grpc").evidence,
              ElementsAre("backend Service api has no port grpc-web"));
  const auto& tls = Only(findings, "KD3012", "admin");
  EXPECT_THAT(tls.evidence,
              ElementsAre("TLS Secret admin-tls (hosts admin.example.com) does not exist"));
  EXPECT_THAT(tls.nextSteps, Contains("kubectl -n shop get secret admin-tls"));
  const auto& no_class = Only(findings, "KD3013", "traefik-app");
  EXPECT_EQ(no_class.message,
            "Ingress traefik-app names IngressClass traefik, which does not exist");
  EXPECT_THAT(no_class.evidence, Contains("IngressClasses: internal, nginx (default)"));
}

TEST_F(NetworkingChecksTest, AnIngressWithoutAClassNeedsADefaultClassOrAController) {
  auto list = LoadFixture("networking/ingresses.json");
  Item(list, "IngressClass", "nginx")["metadata"].erase("annotations");
  view.AddAll(list);
  const auto findings = Run();
  // default-class is now served by nobody; legacy-class still names its class.
  EXPECT_THAT(Keys(findings), Contains("KD3013 Ingress/shop/default-class"));
  EXPECT_THAT(Keys(findings), testing::Not(Contains("KD3013 Ingress/shop/legacy-class")));
  EXPECT_THAT(Only(findings, "KD3013", "default-class").evidence,
              Contains("IngressClasses: internal, nginx"));
}

TEST_F(NetworkingChecksTest, AClassLessIngressAControllerAdmittedIsServed) {
  auto list = LoadFixture("networking/ingresses.json");
  Item(list, "IngressClass", "nginx")["metadata"].erase("annotations");
  Item(list, "Ingress",
       "default-class")["status"]["loadBalancer"]["ingress"] = {{{"ip", "203.0.113.10"}}};
  view.AddAll(list);
  EXPECT_THAT(Keys(Run()), testing::Not(Contains("KD3013 Ingress/shop/default-class")));
}

TEST_F(NetworkingChecksTest, WebhooksFailingClosedWithoutABackend) {
  // sidecar-injector calls the same dead Service but fails open; quota-validator's backend is
  // ready; cert-manager-webhook's Service is in a namespace not examined.
  view.AddAll(LoadFixture("networking/webhooks.json"));
  const auto findings = Run();
  EXPECT_THAT(Keys(findings),
              ElementsAre("KD3002 Service/shop/policy-webhook",
                          "KD3020 ValidatingWebhookConfiguration/policy-validator"));
  const auto& webhook = Only(findings, "KD3020", "policy-validator");
  EXPECT_EQ(webhook.severity, Severity::kCritical);
  EXPECT_THAT(webhook.evidence,
              ElementsAre("webhook validate.policy.example.com (failurePolicy Fail) calls Service "
                          "shop/policy-webhook, which has no ready endpoints (0 of 1; 1 pods "
                          "selected)"));
  EXPECT_THAT(webhook.nextSteps,
              ElementsAre("kubectl get ValidatingWebhookConfiguration policy-validator -o yaml",
                          "kubectl -n shop get endpointslices -l "
                          "kubernetes.io/service-name=policy-webhook",
                          "kubectl -n shop get pods -l app=policy-webhook"));
}

TEST_F(NetworkingChecksTest, OverAllNamespacesAWebhookWhoseServiceIsMissingIsReported) {
  view.AddAll(LoadFixture("networking/webhooks.json"));
  scope.allNamespaces = true;
  const auto findings = Run();
  EXPECT_THAT(Only(findings, "KD3020", "cert-manager-webhook").evidence,
              ElementsAre("webhook webhook.cert-manager.io (failurePolicy Fail) calls Service "
                          "cert-manager/cert-manager-webhook, which does not exist"));
}

TEST_F(NetworkingChecksTest, AHealthyNamespaceHasNoFinding) {
  auto list = LoadFixture("networking/webhooks.json");
  nlohmann::json healthy = nlohmann::json::array();
  for (const auto& item : list["items"]) {
    if (std::string(Name(item)).find("policy") == std::string::npos) healthy.push_back(item);
  }
  view.AddAll(healthy);
  EXPECT_THAT(Run(), IsEmpty());
}

}  // namespace
}  // namespace kdiag
