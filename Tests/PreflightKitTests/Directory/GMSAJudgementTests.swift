import Foundation
import Testing

@testable import PreflightCore
@testable import PreflightDirectory

/// AD-017 and AD-018 on synthetic facts: the classifications a Samba lab does not reach (NULL DACLs, foreign and
/// unresolved principals, Authenticated Users nested in a group), and the verdicts that must never be a pass.
@Suite("gMSA judgements")
struct GMSAJudgementTests {
    static let domain = DirectoryJudgementTests.domainSID
    static let s = DirectoryJudgementTests.snapshot(users: [])
    static let host = domain.appending(rid: 3001)!, group = domain.appending(rid: 3002)!, person = domain.appending(rid: 3003)!
    static let principals = [
        GMSAPrincipal(sid: host, name: "AGENT1$", dn: "CN=AGENT1,CN=Computers", kind: .computer),
        GMSAPrincipal(sid: person, name: "alice", dn: "CN=alice,CN=Users", kind: .user),
        GMSAPrincipal(sid: domain.appending(rid: 513)!, name: "Domain Users", dn: "CN=Domain Users,CN=Users", kind: .group, members: []),
        GMSAPrincipal(sid: SID.authenticatedUsers, name: "NT AUTHORITY\\Authenticated Users", kind: .wellKnown),
    ]

    static func allow(_ sid: SID, _ mask: AccessMask = .directoryFullControl, flags: ACEFlags = [], object: GUID? = nil) -> ACE {
        ACE(type: object == nil ? .accessAllowed : .accessAllowedObject, flags: flags, mask: mask, objectType: object, sid: sid)
    }

    static func facts(readers: [ACE]? = nil, dacl: [ACE]? = nil, protected: Bool = true, extra: [GMSAPrincipal] = []) -> GMSAFacts {
        var facts = GMSAFacts(dn: "CN=provAgentgMSA,CN=Managed Service Accounts,\(DirectoryJudgementTests.base)", isGMSA: true)
        facts.passwordReaders = readers.map { .acl(ACL(aces: $0)) }
        facts.passwordReadersUnreadable = readers == nil ? "the DC returned no msDS-GroupMSAMembership for it." : nil
        facts.objectDACL = dacl.map { .acl(ACL(aces: $0)) }
        facts.objectDACLUnreadable = dacl == nil ? "no descriptor." : nil
        facts.daclProtected = protected
        facts.principals = principals + extra
        return facts
    }

    static func readers(_ aces: [ACE]?, extra: [GMSAPrincipal] = []) -> Evaluation {
        GMSAJudgement.evaluate(.passwordReaders, facts(readers: aces, extra: extra), s)
    }

    static let hardened: [ACE] = [
        allow(.localSystem), allow(.builtinAdministrators), allow(domain.appending(rid: 512)!), allow(domain.appending(rid: 519)!),
        allow(.authenticatedUsers, [.listChildren, .readProperty, .readControl]), allow(GMSAClassification.enterpriseDomainControllers, .genericRead),
        allow(.principalSelf, .writeProperty, object: GUID(literal: "77b5b886-944a-11d1-aebd-0000f80367c1")),
    ]

    static func hardening(_ aces: [ACE]?, protected: Bool = true) -> Evaluation {
        GMSAJudgement.evaluate(.hardening, facts(dacl: aces, protected: protected), s)
    }

    @Test func anAccountThatIsNoGMSASkipsAsNotApplicable() {
        for aspect in GMSAAspect.allCases {
            let evaluation = GMSAJudgement.evaluate(aspect, GMSAFacts(dn: "CN=MSOL_1,CN=Users", isGMSA: false), Self.s)
            #expect(evaluation.status == .skip && evaluation.reason == .notApplicable)
        }
    }

    @Test func readersThatAreHostsPassAndBroadOnesFail() {
        let hosts = Self.readers([Self.allow(Self.host)])
        #expect(hosts.status == .pass && hosts.message.contains("AGENT1$ (\(Self.host))"), "\(hosts.message)")
        let dcs = Self.readers([Self.allow(GMSAClassification.enterpriseDomainControllers)])
        #expect(dcs.status == .pass, "the domain controllers are hosts: \(dcs.message)")
        for broad in [Self.domain.appending(rid: 513)!, SID.authenticatedUsers, SID.everyone, Self.domain.appending(rid: 515)!] {
            let evaluation = Self.readers([Self.allow(Self.host), Self.allow(broad)])
            #expect(evaluation.status == .fail, "\(broad): \(evaluation.message)")
            #expect(evaluation.findings.count == 1 && evaluation.findings.first?.status == .fail)
            #expect(evaluation.generatedRemediation?.contains("-PrincipalsAllowedToRetrieveManagedPassword") == true)
        }
    }

    @Test func aUserWarnsAnUnknownSIDErrorsAndNoOneOrANullDACLFails() {
        let user = Self.readers([Self.allow(Self.host), Self.allow(Self.person)])
        #expect(user.status == .warn && user.findings.map(\.target) == ["alice (\(Self.person))"], "\(user.findings)")
        let unknown = Self.domain.appending(rid: 4040)!
        let undecided = Self.readers([Self.allow(Self.host), Self.allow(Self.person), Self.allow(unknown)])
        #expect(undecided.status == .error, "an unresolved reader is never a pass nor a mere warning: \(undecided.message)")
        #expect(Self.readers([]).status == .fail, "no one may retrieve it: no agent can run")
        var null = Self.facts(readers: [])
        null.passwordReaders = .null
        #expect(GMSAJudgement.evaluate(.passwordReaders, null, Self.s).status == .fail)
        let unreadable = Self.readers(nil)
        #expect(unreadable.status == .error && unreadable.message.contains("RP;msDS-GroupMSAMembership"), "\(unreadable.message)")
        let denyOnly = Self.readers([ACE(type: .accessDenied, mask: .directoryFullControl, sid: Self.person)])
        #expect(denyOnly.status == .fail, "a deny grants nothing: \(denyOnly.message)")
        let inheritOnly = Self.readers([Self.allow(Self.host), Self.allow(.everyone, flags: [.inheritOnly])])
        #expect(inheritOnly.status == .pass, "an inherit-only ACE applies to nothing here")
    }

    @Test func aGroupIsJudgedByItsNestedMembers() {
        func group(_ members: [GMSAMember]) -> Evaluation {
            Self.readers([Self.allow(Self.group)], extra: [GMSAPrincipal(sid: Self.group, name: "AgentHosts", kind: .group, members: members)])
        }
        #expect(group([GMSAMember(dn: "CN=AGENT1", name: "AGENT1$", kind: .computer)]).status == .pass)
        let mixed = group([GMSAMember(dn: "CN=AGENT1", name: "AGENT1$", kind: .computer), GMSAMember(dn: "CN=bob", name: "bob", kind: .user)])
        #expect(mixed.status == .warn && mixed.findings.first?.message.contains("bob (user)") == true, "\(mixed.findings)")
        let everyone = group([GMSAMember(dn: "CN=S-1-5-11,CN=ForeignSecurityPrincipals", name: "S-1-5-11", kind: .foreign, sid: .authenticatedUsers)])
        #expect(everyone.status == .fail && everyone.message.contains("AgentHosts"), "\(everyone.message)")
        #expect(group([]).status == .warn, "an empty group (or one the bind account cannot list) is not a proven host list")
    }

    @Test func theHardenedDACLPassesAndEachExtraACEIsAFinding() {
        #expect(Self.hardening(Self.hardened).status == .pass, "\(Self.hardening(Self.hardened).message)")
        let inherited = Self.hardening(Self.hardened, protected: false)
        #expect(inherited.status == .warn && inherited.findings.map(\.message).first?.hasPrefix("Inheritance is enabled") == true)
        let operators = Self.hardening(Self.hardened + [Self.allow(SID(string: "S-1-5-32-548")!)])
        #expect(operators.status == .warn, "a privileged built-in group's takeover right warns: \(operators.message)")
        #expect(operators.findings.first?.message.contains("make itself a password reader") == true)
        let readOnlyExtra = Self.hardening(Self.hardened + [Self.allow(Self.person, .readProperty)])
        #expect(readOnlyExtra.status == .warn && readOnlyExtra.findings.first?.message.contains("not in the hardened DACL") == true)
        let membership = Self.hardening(Self.hardened + [Self.allow(Self.domain.appending(rid: 513)!, .writeProperty, object: GMSAGatherer.membershipGUID)])
        #expect(membership.status == .fail, "Domain Users may write msDS-GroupMSAMembership: \(membership.message)")
        let otherAttribute = Self.hardening(Self.hardened + [Self.allow(Self.domain.appending(rid: 513)!, .writeProperty, object: GUID(literal: "bf967950-0de6-11d0-a285-00aa003049e2"))])
        #expect(otherAttribute.status == .warn, "writing the description takes nothing over: \(otherAttribute.message)")
        let authenticatedWrite = Self.hardening(Self.hardened + [Self.allow(.authenticatedUsers, .genericWrite)])
        #expect(authenticatedWrite.status == .fail, "Read is all Authenticated Users keep")
        let ignored = Self.hardening(Self.hardened + [Self.allow(.everyone, flags: [.inheritOnly]), ACE(type: .accessDenied, mask: .writeDAC, sid: .everyone)])
        #expect(ignored.status == .pass, "inherit-only and deny ACEs widen nothing: \(ignored.message)")
        #expect(ignored.evidence["inheritOnlyACEs"] == .number(1))
    }

    @Test func anUnreadableOrNullObjectDACLIsNeverAPass() {
        #expect(Self.hardening(nil).status == .error)
        var null = Self.facts(dacl: [])
        null.objectDACL = .null
        #expect(GMSAJudgement.evaluate(.hardening, null, Self.s).status == .fail)
    }

    @Test func theFactsRoundTripAsSavedFacts() throws {
        let facts = Self.facts(readers: [Self.allow(Self.host), Self.allow(Self.person)], dacl: Self.hardened, extra: [
            GMSAPrincipal(sid: Self.group, name: "AgentHosts", kind: .group, members: [GMSAMember(dn: "CN=S-1-5-11", name: "S-1-5-11", kind: .foreign, sid: .authenticatedUsers)])
        ])
        let saved = DirectoryProbe.Facts.gmsa(Self.s, facts)
        let decoded = try JSONDecoder().decode(DirectoryProbe.Facts.self, from: JSONEncoder().encode(saved))
        guard case .gmsa(let snapshot, let read) = decoded else { Issue.record("decoded as \(decoded)"); return }
        #expect(read == facts && snapshot == Self.s)
        for aspect in GMSAAspect.allCases {
            #expect(GMSAJudgement.evaluate(aspect, read, snapshot) == GMSAJudgement.evaluate(aspect, facts, Self.s))
        }
    }
}

/// Which computer hosts a registered provisioning agent (AD-017 with `cloudSync.agents`).
@Suite("gMSA: agent hosts by machine name")
struct GMSAAgentHostTests {
    static let agents = ["csagent1.corp.example.test", "LONGAGENTHOSTNAME01.corp.example.test", "bare"]

    @Test func theDNSNameDecidesWhenBothHaveOne() {
        let host = GMSAHost(dnsHostName: "CSAgent1.corp.example.test", isDomainController: false)
        #expect(GMSAClassification.isAgentHost("CSAGENT1$", host, agents: Self.agents))
        let elsewhere = GMSAHost(dnsHostName: "csagent1.fabrikam.example.test", isDomainController: false)
        #expect(!GMSAClassification.isAgentHost("CSAGENT1$", elsewhere, agents: Self.agents), "same host part, another domain")
    }

    @Test func withoutADNSNameTheNetBIOSNameIsTheHostPartCutTo15() {
        #expect(GMSAClassification.isAgentHost("LONGAGENTHOSTNA$", nil, agents: Self.agents))
        #expect(GMSAClassification.isAgentHost("BARE$", GMSAHost(dnsHostName: "bare.corp.example.test", isDomainController: false), agents: Self.agents))
        #expect(!GMSAClassification.isAgentHost("FILESRV01$", nil, agents: Self.agents))
    }

    @Test func aDomainControllerIsAHostAndAnEmptyListHasNoOtherHost() {
        #expect(GMSAClassification.isAgentHost("DC1$", GMSAHost(dnsHostName: "dc1.corp.example.test", isDomainController: true), agents: []))
        #expect(!GMSAClassification.isAgentHost("CSAGENT1$", nil, agents: []))
        let computer = GMSAPrincipal(sid: GMSAJudgementTests.host, name: "FILESRV01$", kind: .computer)
        #expect(GMSAClassification.reader(computer) == .host, "without the agents every computer is a host")
        guard case .exposure(let why) = GMSAClassification.reader(computer, agents: Self.agents) else {
            Issue.record("a computer that is no agent host is an exposure")
            return
        }
        #expect(why.contains("none of the provisioning agents"))
    }
}
